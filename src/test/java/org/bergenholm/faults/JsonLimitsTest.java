package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bergenholm.http.Exchanges;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Parameter bodies: nesting depth and name length end exactly at their documented limits. */
class JsonLimitsTest {
    private static String nested(int depth) {
        // The outer object counts as one level.
        return "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    @Test
    void depthAndNameLengthAreBoundedAtTheirLimits() throws Exception {
        try (TestServer server = TestServer.start()) {
            assertEquals(201, server.json("POST", "/api/1.0/hosts/deep", nested(Exchanges.MAX_JSON_DEPTH)).status());
            TestServer.Reply deeper = server.json("POST", "/api/1.0/hosts/deeper", nested(Exchanges.MAX_JSON_DEPTH + 1));
            assertEquals(400, deeper.status(), deeper.body());
            assertTrue(deeper.body().contains("depth"), deeper.body());

            String longest = "p".repeat(Exchanges.MAX_JSON_NAME);
            assertEquals(201, server.json("POST", "/api/1.0/hosts/named", "{\"" + longest + "\": 1}").status());
            TestServer.Reply tooLong = server.json("POST", "/api/1.0/hosts/too-long", "{\"" + longest + "p\": 1}");
            assertEquals(400, tooLong.status(), tooLong.body());
            assertTrue(tooLong.body().startsWith("{\"error\":") && tooLong.body().contains("Name length"), tooLong.body());
            assertEquals(404, server.get("/api/1.0/hosts/too-long").status(), "nothing stored");
        }
    }
}
