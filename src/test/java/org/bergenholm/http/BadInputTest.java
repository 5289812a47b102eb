package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bergenholm.testing.TestServer;
import org.bergenholm.testing.TestServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear JSON error with the right status, and nothing is half-written. */
class BadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String error(Reply r, int status) throws Exception {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return JSON.readTree(r.body()).get("error").asText();
    }

    @Test
    void malformedJsonArraysAndStringsAreRejected() throws Exception {
        assertTrue(error(server.json("POST", "/api/1.0/hosts/bad1", "{\"a\": "), 400).contains("not valid JSON"));
        assertTrue(error(server.json("POST", "/api/1.0/hosts/bad1", "[1,2]"), 400).contains("JSON object"));
        assertTrue(error(server.json("POST", "/api/1.0/groups/bad1", "\"text\""), 400).contains("JSON object"));
        assertTrue(error(server.json("POST", "/api/1.0/hosts/bad1", "{\"_id\": \"x\"}"), 400).contains("_id"));
        assertTrue(error(server.json("POST", "/api/1.0/hosts/bad1", "{\"a.b\": 1}"), 400).contains("a.b"));
        assertEquals(404, server.get("/api/1.0/hosts/bad1").status(), "nothing was written");
        server.json("POST", "/api/1.0/hosts/keep", "{\"v\": 1}");
        error(server.json("PUT", "/api/1.0/hosts/keep", "{broken"), 400);
        assertEquals("{\"v\":1}", server.get("/api/1.0/hosts/keep").body(), "a failed PUT changes nothing");
    }

    @Test
    void bodyOverOneMebibyteIs413() throws Exception {
        String big = "{\"a\":\"" + "x".repeat(1024 * 1024) + "\"}";
        assertTrue(error(server.json("POST", "/api/1.0/hosts/big", big), 413).contains("larger"));
        assertEquals(404, server.get("/api/1.0/hosts/big").status());
        assertEquals(413, server.send("POST", "/api/1.0/templates/big", "text/plain", "y".repeat(1024 * 1024 + 1)).status());
    }

    @Test
    void deeplyNestedJsonIsRejected() throws Exception {
        String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";
        error(server.json("POST", "/api/1.0/hosts/deep", deep), 400);
    }

    @Test
    void badNamesAre400() throws Exception {
        assertTrue(error(server.json("POST", "/api/1.0/hosts/a/b", "{}"), 400).contains("'/'"));
        assertTrue(error(server.json("POST", "/api/1.0/hosts/a..b", "{}"), 400).contains(".."));
        assertTrue(error(server.json("POST", "/api/1.0/hosts/" + "n".repeat(201), "{}"), 400).contains("200"));
        assertTrue(error(server.json("POST", "/api/1.0/hosts/a%01b", "{}"), 400).contains("control"));
        assertTrue(error(server.send("POST", "/api/1.0/templates/x%09y", "text/plain", "t"), 400).contains("control"));
        assertEquals(201, server.json("POST", "/api/1.0/hosts/" + "n".repeat(200), "{}").status(), "200 characters is allowed");
    }

    @Test
    void templateSyntaxErrorsNameTemplateAndLine() throws Exception {
        String msg = error(server.send("POST", "/api/1.0/templates/broken", "text/plain", "ok\n{% if %}\n"), 400);
        assertTrue(msg.contains("template broken") && msg.contains("line 2"), msg);
        assertEquals(404, server.get("/api/1.0/templates/broken").status(), "not stored");
        server.send("POST", "/api/1.0/templates/fine", "text/plain", "ok");
        error(server.send("PUT", "/api/1.0/templates/fine", "text/plain", "{% for %}"), 400);
        assertEquals("ok", server.get("/api/1.0/templates/fine").body());
    }

    @Test
    void brokenTemplateInTheDatabaseFailsOnRenderWithItsName() throws Exception {
        // A 1.0 database may hold a template that never parsed; rendering it must say so.
        server.send("POST", "/api/1.0/templates/late", "text/plain", "fine");
        server.json("POST", "/api/1.0/hosts/r1", "{\"ipxe_script\": \"late\", \"broken\": \"{{ 1 + }}\"}");
        String msg = error(server.get("/api/1.0/hosts/r1?params=all"), 500);
        assertTrue(msg.contains("parameter broken"), msg);
    }

    @Test
    void selfReferenceIsBoundedByTenRounds() throws Exception {
        server.json("POST", "/api/1.0/hosts/selfref", "{\"a\": \"{{a}}x\"}");
        Reply r = server.get("/api/1.0/hosts/selfref?params=all");
        assertEquals(200, r.status(), r.body());
        var all = JSON.readTree(r.body());
        // Each round doubles the x's (as Python 1.0 does); ten rounds give 2^10.
        assertEquals("{{a}}" + "x".repeat(1024), all.get("a").asText(), "ten rounds, then stop");
        // Each round squares this one; the render output limit stops it with a clear error.
        server.json("POST", "/api/1.0/hosts/explode", "{\"b\": \"{{b}}{{b}}\"}");
        assertTrue(error(server.get("/api/1.0/hosts/explode?params=all"), 500).contains("parameter b"));
        assertEquals(200, server.get("/api/1.0/hosts/selfref?params=all").status(), "the server is fine afterwards");
    }

    @Test
    void ipxeScriptNamingAMissingTemplateIs404() throws Exception {
        server.json("POST", "/api/1.0/hosts/noscript", "{\"ipxe_script\": \"missing.ipxe\"}");
        String msg = error(server.get("/ipxe/script/noscript"), 404);
        assertTrue(msg.contains("missing.ipxe") && msg.contains("does not exist"), msg);
    }

    @Test
    void unknownRoutesAndMethodsAreJson() throws Exception {
        error(server.get("/api/1.0/nothing"), 404);
        error(server.get("/nowhere"), 404);
        error(server.send("PATCH", "/api/1.0/hosts/x", "application/json", "{}"), 405);
    }
}
