package org.bergenholm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bergenholm.testing.Fixture;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database survives restarts; an empty one is seeded once. */
class PersistenceAndSeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesARestart() throws Exception {
        try (TestServer server = TestServer.start(dataDir, "none")) {
            assertEquals(201, server.json("POST", "/api/1.0/hosts/kept", "{\"a\": [1, {\"b\": true}]}").status());
        }
        try (TestServer server = TestServer.start(dataDir, "none")) {
            assertEquals("{\"a\":[1,{\"b\":true}]}", server.get("/api/1.0/hosts/kept").body());
        }
    }

    @Test
    void builtInSeedLoadsOnceAndServesLocalBootAndRegistration() throws Exception {
        try (TestServer server = TestServer.start(dataDir, null)) {
            JsonNode groups = JSON.readTree(server.get("/api/1.0/groups/").body()).get("groups");
            for (String g : new String[] {"default", "register", "installed", "debian12", "ubuntu2404", "rocky9", "alma9"}) {
                assertTrue(groups.toString().contains("\"" + g + "\""), g + " in " + groups);
            }
            String unknown = server.get("/ipxe/script/11111111-2222-3333-4444-555555555555").body();
            assertTrue(unknown.startsWith("#!ipxe") && unknown.contains("http://127.0.0.1:8080/ipxe/register/${uuid}"), unknown);
            server.json("POST", "/api/1.0/hosts/m1", "{\"groups\": [\"debian12\"]}");
            String install = server.get("/ipxe/script/m1").body();
            assertTrue(install.contains("kernel http://127.0.0.1:8080/ipxe/kernel/${uuid}"), install);
            assertTrue(install.contains("initrd --name module0 http://127.0.0.1:8080/ipxe/initrd/${uuid}"), install);
            String preseed = server.get("/api/1.0/templates/debian12.preseed/m1").body();
            assertTrue(preseed.contains("http://127.0.0.1:8080/api/1.0/hosts/m1?installed=mark"), preseed);
            server.get("/api/1.0/hosts/m1?installed=mark");
            String local = server.get("/ipxe/script/m1").body();
            assertTrue(local.contains("sanboot") && local.contains("exit"), local);
            server.send("DELETE", "/api/1.0/templates/rhel9.kickstart", null, null);
        }
        try (TestServer server = TestServer.start(dataDir, null)) {
            assertEquals(404, server.get("/api/1.0/templates/rhel9.kickstart").status(), "a database with data is never re-seeded");
        }
    }

    @Test
    void seedFromAFolderInThe10Layout() throws Exception {
        try (TestServer server = TestServer.start(dataDir, Fixture.dir().toString())) {
            assertEquals(Files.list(Fixture.dir().resolve("groups")).count(),
                    JSON.readTree(server.get("/api/1.0/groups/").body()).get("groups").size());
            assertEquals(200, server.get("/api/1.0/hosts/samplehost").status());
        }
    }
}
