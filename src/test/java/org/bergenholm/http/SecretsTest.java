package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Secret-named parameters never leave through the API or the timeline; templates still get them. */
class SecretsTest {
    @Test
    void maskedInEveryAnswerRealInTemplatesAndKeptThroughARoundTrip() throws Exception {
        try (TestServer server = TestServer.start()) {
            assertEquals(201, server.json("POST", "/api/1.0/groups/bmc",
                    "{\"ipmi_password\": \"gr0up-s3cret\", \"nested\": {\"api_token\": \"t0ken\"}}").status());
            assertEquals(201, server.json("POST", "/api/1.0/hosts/m1",
                    "{\"groups\": [\"bmc\"], \"ipmi_user\": \"admin\", \"loginPassword\": \"h0st-s3cret\"}").status());
            assertEquals(201, server.send("POST", "/api/1.0/templates/creds", "text/plain",
                    "{{ipmi_user}} {{ipmi_password}} {{loginPassword}}").status());

            String stored = server.get("/api/1.0/hosts/m1").body();
            String resolved = server.get("/api/1.0/hosts/m1?params=all").body();
            String group = server.get("/api/1.0/groups/bmc").body();
            for (String answer : new String[] {stored, resolved, group}) {
                assertFalse(answer.contains("s3cret") || answer.contains("t0ken"), answer);
            }
            assertTrue(stored.contains("\"loginPassword\":\"******\""), stored);
            assertTrue(resolved.contains("\"ipmi_password\":\"******\"") && resolved.contains("\"ipmi_user\":\"admin\""), resolved);
            assertTrue(group.contains("\"api_token\":\"******\""), group);
            assertEquals("admin gr0up-s3cret h0st-s3cret", server.get("/api/1.0/templates/creds/m1").body());

            // GET, edit one field, PUT back: the masked password keeps its stored value.
            assertEquals(202, server.json("PUT", "/api/1.0/hosts/m1", stored.replace("\"admin\"", "\"root\"")).status());
            assertEquals("root gr0up-s3cret h0st-s3cret", server.get("/api/1.0/templates/creds/m1").body());
            // A new value replaces it.
            assertEquals(202, server.json("PUT", "/api/1.0/hosts/m1", stored.replace("\"******\"", "\"n3w\"")).status());
            assertEquals("admin gr0up-s3cret n3w", server.get("/api/1.0/templates/creds/m1").body());

            String events = "";
            for (int i = 0; i < 50 && !events.contains("registered"); i++) {
                server.get("/ipxe/register/m9?vendor_secret=v3ndor");
                Thread.sleep(50);
                events = server.get("/api/1.0/hosts/m9/events").body();
            }
            assertTrue(events.contains("registered"), events);
            assertFalse(events.contains("v3ndor"), "events mask secrets too: " + events);
        }
    }
}
