package org.bergenholm.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Each host gets a timeline of what happened to it, newest last, readable over the API. */
class TimelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> steps(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.get("events").forEach(e -> out.add(e.get("step").asText()));
        return out;
    }

    @Test
    void registrationScriptTemplateAndInstallAreRecordedInOrder() throws Exception {
        try (TestServer server = TestServer.start()) {
            Instant before = Instant.now();
            server.send("POST", "/api/1.0/templates/s.ipxe", "text/plain", "#!ipxe\n");
            server.send("POST", "/api/1.0/templates/ks", "text/plain", "ks {{uuid}}");
            server.json("POST", "/api/1.0/groups/default", "{\"ipxe_script\": \"s.ipxe\"}");
            server.json("POST", "/api/1.0/hosts/register", "{\"ipxe_script\": \"s.ipxe\"}");
            String id = "4c4c4544-0000-1000-8000-000000000001";
            assertEquals(200, server.get("/ipxe/script/" + id).status());
            assertEquals(201, server.get("/ipxe/register/" + id + "?serial=ABC").status());
            assertEquals(200, server.get("/api/1.0/templates/ks/" + id).status());
            assertEquals(200, server.get("/api/1.0/hosts/" + id + "?installed=mark").status());
            assertEquals(200, server.get("/api/1.0/hosts/" + id + "?installed=unmark").status());

            JsonNode timeline = JSON.readTree(server.get("/api/1.0/hosts/" + id + "/events").body());
            assertEquals(List.of("script served", "registered", "template rendered", "installed marked", "installed unmarked"),
                    steps(timeline));
            assertEquals("ABC", timeline.get("events").get(1).get("details").get("serial").asText());

            String since = URLEncoder.encode(before.minusMillis(1).toString(), StandardCharsets.UTF_8);
            JsonNode all = JSON.readTree(server.get("/api/1.0/events?since=" + since).body());
            assertEquals(5, all.get("events").size());
            String later = URLEncoder.encode(Instant.now().plusSeconds(60).toString(), StandardCharsets.UTF_8);
            assertEquals(0, JSON.readTree(server.get("/api/1.0/events?since=" + later).body()).get("events").size());
            assertEquals(400, server.get("/api/1.0/events?since=yesterday").status());
        }
    }

    @Test
    void retentionKeepsTheNewestEventsPerHost() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.send("POST", "/api/1.0/templates/t", "text/plain", "x");
            server.json("POST", "/api/1.0/hosts/busy", "{}");
            for (int i = 0; i < 1100; i++) {
                server.get("/api/1.0/templates/t/busy");
            }
            JsonNode timeline = JSON.readTree(server.get("/api/1.0/hosts/busy/events").body());
            int n = timeline.get("events").size();
            assertTrue(n <= 1000, "at most the configured 1000, was " + n);
            assertTrue(n >= 900, "the newest are kept, was " + n);
        }
    }
}
