package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostGroupCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static String url;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        url = server.apiUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    Path file(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    Cli.Result ok(String... args) {
        Cli.Result r = Cli.at(url, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r.err());
        assertEquals("", r.err());
        return r;
    }

    JsonNode show(String... args) throws Exception {
        return JSON.readTree(ok(args).out());
    }

    @Test
    void hostLifecycle() throws Exception {
        ok("group", "create", "hg-base", file("g.json", "{\"color\": \"blue\", \"hostname\": \"from-group\"}").toString());
        ok("host", "create", "hb-host", file("b.json", "{\"groups\": [\"hg-base\"], \"hostname\": \"hb\", \"rack\": \"r9\"}").toString());
        ok("host", "create", "ha-host", file("a.json", "{\"hostname\": \"ha\", \"rack\": \"r9\"}").toString());

        String list = ok("host", "list").out();
        assertTrue(list.contains("ha-host\nhb-host\n"), list);

        assertEquals("hb-host\n", ok("host", "list", "-q", "rack=r9", "-q", "hostname=hb").out());
        assertEquals("ha-host\nhb-host\n", ok("host", "list", "-q", "rack=r9").out());

        JsonNode own = show("host", "show", "hb-host");
        assertEquals(JSON.readTree("{\"groups\": [\"hg-base\"], \"hostname\": \"hb\", \"rack\": \"r9\"}"), own);
        assertTrue(ok("host", "show", "hb-host").out().contains("\n  \""), "pretty-printed");

        JsonNode all = show("host", "show", "hb-host", "--all");
        assertEquals("blue", all.path("color").asText());
        assertEquals("hb", all.path("hostname").asText());
        assertEquals("hb-host", all.path("uuid").asText());

        ok("host", "update", "hb-host", file("b2.json", "{\"groups\": [\"hg-base\"], \"hostname\": \"hb2\"}").toString());
        assertEquals(JSON.readTree("{\"groups\": [\"hg-base\"], \"hostname\": \"hb2\"}"), show("host", "show", "hb-host"));

        ok("host", "mark-installed", "hb-host");
        assertTrue(show("host", "show", "hb-host").path("groups").toString().contains("\"installed\""));
        Cli.Result again = Cli.at(url, "host", "mark-installed", "hb-host");
        assertEquals(1, again.exit());
        assertTrue(again.errLine().startsWith("bergenholm: host hb-host: 400 "), again.err());
        ok("host", "unmark-installed", "hb-host");
        assertFalse(show("host", "show", "hb-host").path("groups").toString().contains("\"installed\""));

        ok("host", "delete", "ha-host");
        Cli.Result gone = Cli.at(url, "host", "show", "ha-host");
        assertEquals(1, gone.exit());
        assertTrue(gone.errLine().startsWith("bergenholm: host ha-host: 404 "), gone.err());
        assertEquals("", gone.out());
    }

    @Test
    void createFromStdin() throws Exception {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("{\"hostname\": \"piped\"}".getBytes(StandardCharsets.UTF_8)));
            ok("host", "create", "stdin-host", "-");
        } finally {
            System.setIn(saved);
        }
        assertEquals("piped", show("host", "show", "stdin-host").path("hostname").asText());
    }

    @Test
    void groupLifecycle() throws Exception {
        ok("group", "create", "gp-parent", file("p.json", "{\"a\": \"1\", \"b\": \"1\"}").toString());
        ok("group", "create", "gp-child", file("c.json", "{\"groups\": [\"gp-parent\"], \"b\": \"2\"}").toString());
        String list = ok("group", "list").out();
        assertTrue(list.contains("gp-child\ngp-parent\n"), list);
        assertEquals("gp-child\n", ok("group", "list", "-q", "b=2").out());

        assertEquals(JSON.readTree("{\"groups\": [\"gp-parent\"], \"b\": \"2\"}"), show("group", "show", "gp-child"));
        JsonNode all = show("group", "show", "gp-child", "--all");
        assertEquals("1", all.path("a").asText());
        assertEquals("2", all.path("b").asText());

        ok("group", "update", "gp-child", file("c2.json", "{\"b\": \"3\"}").toString());
        assertEquals(JSON.readTree("{\"b\": \"3\"}"), show("group", "show", "gp-child"));

        ok("group", "delete", "gp-child");
        Cli.Result gone = Cli.at(url, "group", "show", "gp-child");
        assertEquals(1, gone.exit());
        assertTrue(gone.errLine().startsWith("bergenholm: group gp-child: 404 "), gone.err());

        // groups have no installed marks
        assertNotEquals(0, Cli.at(url, "group", "mark-installed", "gp-parent").exit());
    }
}
