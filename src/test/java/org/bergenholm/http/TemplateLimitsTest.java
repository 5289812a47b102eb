package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bergenholm.testing.TestServer;
import org.bergenholm.testing.TestServer.Reply;
import org.junit.jupiter.api.Test;

/** A template over the sandbox's limits is a JSON error naming the limit; the server goes on serving. */
class TemplateLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String error(Reply r, int status) throws Exception {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return JSON.readTree(r.body()).get("error").asText();
    }

    @Test
    void outputRecursionAndFilesOverHttp() throws Exception {
        try (TestServer server = TestServer.start()) {
            // Fine when stored (checked with no parameters); over the limits for this host's parameters.
            assertEquals(201, server.send("POST", "/api/1.0/templates/big", "text/plain",
                    "{% for i in range(n|int) %}{{ chunk }}{% endfor %}").status());
            assertEquals(201, server.send("POST", "/api/1.0/templates/deep", "text/plain",
                    "{% macro f(d) %}{% if d > 0 %}{{ f(d) }}{% endif %}{% endmacro %}{{ f(depth|int) }}").status());
            assertEquals(201, server.json("POST", "/api/1.0/hosts/h1",
                    "{\"n\": 65, \"depth\": 1, \"chunk\": \"" + "x".repeat(64 * 1024) + "\"}").status());

            String big = error(server.get("/api/1.0/templates/big/h1"), 500);
            assertTrue(big.contains("template big") && big.contains("over limit of 4194304"), big);
            String deep = error(server.get("/api/1.0/templates/deep/h1"), 500);
            assertTrue(deep.contains("template deep") && deep.contains("recursion limit"), deep);
            String file = error(server.send("POST", "/api/1.0/templates/leak", "text/plain", "{% include 'logback.xml' %}"), 400);
            assertTrue(file.contains("cannot include"), file);

            assertEquals(201, server.send("POST", "/api/1.0/templates/ok", "text/plain", "{{ n }}").status());
            Reply ok = server.get("/api/1.0/templates/ok/h1");
            assertEquals(200, ok.status(), "the server is fine afterwards: " + ok.body());
            assertEquals("65", ok.body());
        }
    }
}
