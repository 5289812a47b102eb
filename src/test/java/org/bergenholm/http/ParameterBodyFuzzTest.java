package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bergenholm.inventory.Secrets;
import org.bergenholm.store.Database;
import org.bergenholm.store.ParameterStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A PUT body for /api/1.0/hosts/<name> through what the route does with it: parsed and
 * validated (HttpError 400 is the only refusal), stored in the real embedded database,
 * read back unchanged, and shown masked as JSON. Anything else would be a 500.
 */
class ParameterBodyFuzzTest {
    private static Path dir;
    private static Database db;
    private static ParameterStore hosts;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("body-fuzz");
        db = Database.embedded(dir);
        hosts = new ParameterStore(db, "hosts");
        hosts.create("fuzzed", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void parameterBodies(byte[] body) throws Exception {
        Map<String, Object> params;
        try {
            params = Exchanges.parameters(body);
        } catch (HttpError e) {
            assertEquals(400, e.status(), e.getMessage());
            return;
        }
        assertTrue(hosts.replace("fuzzed", params), "stored");
        assertEquals(params, hosts.get("fuzzed").orElseThrow(), "read back as sent");
        String shown = Exchanges.JSON.writeValueAsString(Secrets.masked(params));
        assertTrue(shown.startsWith("{"), shown);
    }
}
