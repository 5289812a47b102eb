package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bergenholm.testing.Fixture;
import org.bergenholm.testing.Jinja2Reference;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 1.0 fixture served by the running appliance gives exactly what Bergenholm 1.0's
 * algorithm gives with Python's Jinja2: every params=all, every template for every host.
 */
class FixtureParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNKNOWN = "8a4f3c2e-0000-4000-8000-00000000abcd";
    private static TestServer server;
    private static JsonNode reference;
    private static List<String> hosts;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        Fixture.load(server);
        hosts = new ArrayList<>(Fixture.names("hosts"));
        hosts.add(UNKNOWN);
        List<String> args = new ArrayList<>(List.of("fixture", Fixture.dir().toString()));
        args.addAll(hosts);
        reference = Jinja2Reference.run(null, args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void everyHostsParamsAllMatchesTheReference() throws Exception {
        for (String h : hosts) {
            TestServer.Reply r = server.get("/api/1.0/hosts/" + h + "?params=all");
            assertEquals(200, r.status(), h);
            assertEquals(masked(reference.get("hosts").get(h)), JSON.readTree(r.body()), "params=all of host " + h);
        }
    }

    @Test
    void everyGroupsParamsAllMatchesTheReference() throws Exception {
        Iterator<String> names = reference.get("groups").fieldNames();
        while (names.hasNext()) {
            String g = names.next();
            TestServer.Reply r = server.get("/api/1.0/groups/" + g + "?params=all");
            assertEquals(200, r.status(), g);
            assertEquals(masked(reference.get("groups").get(g)), JSON.readTree(r.body()), "params=all of group " + g);
        }
    }

    @Test
    void everyTemplateRenderedForEveryHostMatchesJinja2() throws Exception {
        Iterator<String> templates = reference.get("renders").fieldNames();
        int compared = 0;
        while (templates.hasNext()) {
            String t = templates.next();
            for (String h : hosts) {
                TestServer.Reply r = server.get("/api/1.0/templates/" + t + "/" + h);
                assertEquals(200, r.status(), t + " for " + h);
                assertEquals(reference.get("renders").get(t).get(h).asText(), r.body(), "template " + t + " for host " + h);
                compared++;
            }
        }
        assertEquals(Fixture.names("templates").size() * hosts.size(), compared);
    }

    /** The API shows secret-named parameters (loginpassword in the fixture) as ******; templates get the value. */
    private static com.fasterxml.jackson.databind.JsonNode masked(com.fasterxml.jackson.databind.JsonNode params) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = params.deepCopy();
        java.util.List<String> keys = new java.util.ArrayList<>();
        copy.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (k.matches("(?i).*(password|passwd|secret|token).*")) {
                copy.put(k, "******");
            }
        }
        return copy;
    }
}
