package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bergenholm.testing.TestServer;
import org.bergenholm.testing.TestServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every request of the 1.0 REST API with its status codes and JSON shapes. */
class RestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private JsonNode json(Reply r) throws Exception {
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return JSON.readTree(r.body());
    }

    @Test
    void rootSaysTheServerWorks() throws Exception {
        Reply r = server.get("/");
        assertEquals(200, r.status());
        assertTrue(r.body().contains("works"));
    }

    @Test
    void hostLifecycle() throws Exception {
        assertEquals("{\"hosts\":[]}", server.get("/api/1.0/hosts/").body());
        assertEquals(201, server.json("POST", "/api/1.0/hosts/h1", "{\"groups\":[\"g\"],\"role\":\"web\"}").status());
        assertEquals(400, server.json("POST", "/api/1.0/hosts/h1", "{}").status());
        assertEquals(201, server.json("POST", "/api/1.0/hosts/h2", "{\"groups\":\"g\",\"role\":\"db\"}").status());
        assertEquals("{\"hosts\":[\"h1\",\"h2\"]}", server.get("/api/1.0/hosts/").body());
        assertEquals("{\"hosts\":[\"h1\"]}", server.get("/api/1.0/hosts/?role=web").body());
        assertEquals("{\"hosts\":[\"h1\",\"h2\"]}", server.get("/api/1.0/hosts/?groups=g").body(), "list and plain string both match");
        assertEquals("{\"hosts\":[]}", server.get("/api/1.0/hosts/?groups=g&role=none").body());

        Reply got = server.get("/api/1.0/hosts/h1");
        assertEquals(200, got.status());
        assertEquals(JSON.readTree("{\"groups\":[\"g\"],\"role\":\"web\"}"), json(got));
        assertEquals(404, server.get("/api/1.0/hosts/nope").status());

        assertEquals(202, server.json("PUT", "/api/1.0/hosts/h1", "{\"role\":\"mail\"}").status());
        assertEquals(JSON.readTree("{\"role\":\"mail\"}"), json(server.get("/api/1.0/hosts/h1")));
        assertEquals(404, server.json("PUT", "/api/1.0/hosts/nope", "{}").status());

        assertEquals(204, server.send("DELETE", "/api/1.0/hosts/h1", null, null).status());
        assertEquals(404, server.send("DELETE", "/api/1.0/hosts/h1", null, null).status());
        assertEquals(404, server.get("/api/1.0/hosts/h1").status());
    }

    @Test
    void installedMarks() throws Exception {
        server.json("POST", "/api/1.0/hosts/m", "{\"groups\":\"centos\"}");
        Reply mark = server.get("/api/1.0/hosts/m?installed=mark");
        assertEquals(200, mark.status());
        assertEquals("", mark.body());
        assertEquals(JSON.readTree("{\"groups\":[\"centos\",\"installed\"]}"), json(server.get("/api/1.0/hosts/m")));
        assertEquals(400, server.get("/api/1.0/hosts/m?installed=mark").status());
        assertEquals(200, server.get("/api/1.0/hosts/m?installed=unmark").status());
        assertEquals(400, server.get("/api/1.0/hosts/m?installed=unmark").status());
        assertEquals(404, server.get("/api/1.0/hosts/ghost?installed=mark").status());
    }

    @Test
    void groupsAndTheirMerge() throws Exception {
        server.json("POST", "/api/1.0/groups/base", "{\"a\":\"1\",\"b\":\"base\"}");
        server.json("POST", "/api/1.0/groups/child", "{\"groups\":[\"base\"],\"b\":\"child\",\"c\":\"{{a}}\"}");
        assertEquals("{\"groups\":[\"base\",\"child\"]}", server.get("/api/1.0/groups/").body());
        assertEquals(JSON.readTree("{\"a\":\"1\",\"b\":\"child\",\"c\":\"{{a}}\",\"groups\":[\"base\"]}"),
                json(server.get("/api/1.0/groups/child?params=all")), "merged, not rendered");
        assertEquals(404, server.get("/api/1.0/groups/none?params=all").status());
        assertEquals(202, server.json("PUT", "/api/1.0/groups/child", "{\"x\":1}").status());
        assertEquals(204, server.send("DELETE", "/api/1.0/groups/child", null, null).status());
        assertEquals(404, server.send("DELETE", "/api/1.0/groups/child", null, null).status());
    }

    @Test
    void hostParamsAllInheritRenderAndFallBackToRegister() throws Exception {
        server.json("POST", "/api/1.0/groups/a", "{\"groups\":[\"b\"],\"x\":\"a\",\"url\":\"http://{{server}}/{{uuid}}\"}");
        server.json("POST", "/api/1.0/groups/b", "{\"groups\":[\"a\"],\"x\":\"b\",\"server\":\"s\"}");
        server.json("POST", "/api/1.0/hosts/h", "{\"groups\":[\"a\",\"b\"],\"list\":[\"{{x}}\"]}");
        JsonNode all = json(server.get("/api/1.0/hosts/h?params=all"));
        assertEquals("a", all.get("x").asText(), "a's own value lands on top of its parent b");
        assertEquals("http://s/h", all.get("url").asText());
        assertEquals("[\"a\",\"b\"]", all.get("groups").toString(), "cycle visited once, in visit order");
        assertEquals("[\"a\"]", all.get("list").toString(), "lists rendered through their JSON");
        assertEquals("h", all.get("uuid").asText());

        JsonNode none = json(server.get("/api/1.0/hosts/unknown?params=all"));
        assertEquals(JSON.readTree("{\"uuid\":\"unknown\",\"groups\":[]}"), none);
        server.json("POST", "/api/1.0/hosts/register", "{\"groups\":[\"b\"],\"ipxe_script\":\"reg\"}");
        JsonNode reg = json(server.get("/api/1.0/hosts/unknown?params=all"));
        assertEquals("reg", reg.get("ipxe_script").asText());
        assertEquals("unknown", reg.get("uuid").asText());
    }

    @Test
    void templatesRawAndRendered() throws Exception {
        assertEquals("{\"templates\":[]}", server.get("/api/1.0/templates/").body());
        assertEquals(201, server.send("POST", "/api/1.0/templates/t", "text/plain", "name={{hostname}}\n").status());
        assertEquals(400, server.send("POST", "/api/1.0/templates/t", "text/plain", "x").status());
        assertEquals("name={{hostname}}\n", server.get("/api/1.0/templates/t").body());
        server.json("POST", "/api/1.0/hosts/h", "{\"hostname\":\"<web&1>\"}");
        assertEquals("name=<web&1>", server.get("/api/1.0/templates/t/h").body(), "no HTML escaping");
        assertEquals(404, server.get("/api/1.0/templates/none/h").status());
        assertEquals(202, server.send("PUT", "/api/1.0/templates/t", "application/octet-stream", "v2").status());
        assertEquals("v2", server.get("/api/1.0/templates/t").body());
        assertEquals(404, server.send("PUT", "/api/1.0/templates/none", "text/plain", "x").status());
        assertEquals(204, server.send("DELETE", "/api/1.0/templates/t", null, null).status());
        assertEquals(404, server.send("DELETE", "/api/1.0/templates/t", null, null).status());
        assertEquals(404, server.get("/api/1.0/templates/t").status());
    }

    @Test
    void powerWithTheDummyDriver() throws Exception {
        server.json("POST", "/api/1.0/hosts/p", "{\"power_driver\":\"dummy\"}");
        assertEquals("{\"power\":\"off\"}", server.get("/api/1.0/power/p").body());
        assertEquals(202, server.json("PUT", "/api/1.0/power/p", "{\"power\":\"on\"}").status());
        assertEquals("{\"power\":\"on\"}", server.get("/api/1.0/power/status/p").body());
        assertEquals(202, server.json("PUT", "/api/1.0/power/p", "{\"power\":\"off\"}").status());
        assertEquals("{\"power\":\"off\"}", server.get("/api/1.0/power/p").body());
        assertEquals(400, server.json("PUT", "/api/1.0/power/p", "{\"power\":\"explode\"}").status());
        server.json("POST", "/api/1.0/hosts/q", "{}");
        assertEquals(400, server.get("/api/1.0/power/q").status());
        assertEquals(400, server.json("PUT", "/api/1.0/power/q", "{\"power\":\"on\"}").status());
        server.json("POST", "/api/1.0/hosts/r", "{\"power_driver\":\"warp\"}");
        Reply unknown = server.get("/api/1.0/power/r");
        assertEquals(400, unknown.status());
        assertTrue(json(unknown).get("error").asText().contains("warp"));
    }

    @Test
    void ipxeScriptRegisterAndUnknownMachines() throws Exception {
        server.send("POST", "/api/1.0/templates/reg.ipxe", "text/plain", "#!ipxe\necho register {{uuid}}\n");
        server.send("POST", "/api/1.0/templates/boot.ipxe", "text/plain", "#!ipxe\necho boot {{uuid}} {{hostname}}\n");
        server.json("POST", "/api/1.0/groups/default", "{\"ipxe_script\":\"boot.ipxe\"}");
        assertEquals(404, server.get("/ipxe/script/u1").status(), "no register host: nothing to serve");
        server.json("POST", "/api/1.0/hosts/register", "{\"ipxe_script\":\"reg.ipxe\"}");
        assertEquals("#!ipxe\necho register u1", server.get("/ipxe/script/u1").body());

        Reply reg = server.get("/ipxe/register/u1?manufacturer=QEMU&product=Standard%20PC&serial=S1&hostname=%7B%7B%207*7%20%7D%7D");
        assertEquals(201, reg.status());
        assertEquals(400, server.get("/ipxe/register/u1").status());
        JsonNode stored = json(server.get("/api/1.0/hosts/u1"));
        assertEquals(JSON.readTree("{\"groups\":[\"default\"],\"manufacturer\":\"QEMU\",\"product\":\"Standard PC\",\"serial\":\"S1\",\"hostname\":\"{{ 7*7 }}\"}"), stored);
        assertEquals("#!ipxe\necho boot u1 {{ 7*7 }}", server.get("/ipxe/script/u1").body(), "registration data is never rendered");
        assertEquals("{{ 7*7 }}", json(server.get("/api/1.0/hosts/u1?params=all")).get("hostname").asText());

        // An edit that keeps the registered value keeps it data; one that changes it is the user's template.
        assertEquals(202, server.json("PUT", "/api/1.0/hosts/u1", "{\"groups\":[\"default\"],\"hostname\":\"{{ 7*7 }}\",\"label\":\"n-{{hostname}}\"}").status());
        JsonNode kept = json(server.get("/api/1.0/hosts/u1?params=all"));
        assertEquals("{{ 7*7 }}", kept.get("hostname").asText());
        assertEquals("n-{{ 7*7 }}", kept.get("label").asText(), "inserted into another parameter, still text");
        assertEquals(202, server.json("PUT", "/api/1.0/hosts/u1", "{\"hostname\":\"{{ 6*7 }}\"}").status());
        assertEquals("42", json(server.get("/api/1.0/hosts/u1?params=all")).get("hostname").asText());
    }

    @Test
    void imageRoutesAnswer404WithoutTheParameter() throws Exception {
        server.json("POST", "/api/1.0/hosts/k", "{}");
        Reply r = server.get("/ipxe/kernel/k");
        assertEquals(404, r.status());
        assertTrue(json(r).get("error").asText().contains("kernel"));
        assertEquals(404, server.get("/ipxe/initrd/k/1").status());
    }

    @Test
    void healthz() throws Exception {
        Reply r = server.get("/healthz");
        assertEquals(200, r.status());
        JsonNode body = json(r);
        assertEquals("ok", body.get("status").asText());
        assertEquals("up", body.get("services").get("database").asText());
    }
}
