package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {
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

    @Test
    void unknownHost() {
        Cli.Result r = Cli.at(url, "host", "show", "no-such-host");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        String line = r.errLine();
        assertTrue(line.startsWith("bergenholm: host no-such-host: 404 "), line);
        assertFalse(line.contains("Exception"), line);
        assertEquals(1, Cli.at(url, "host", "delete", "no-such-host").exit());
    }

    @Test
    void badJsonFileIsNamedAndNothingIsSent() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"hostname\": ");
        Cli.Result r = Cli.at(url, "host", "create", "bad-json-host", bad.toString());
        assertEquals(1, r.exit());
        String line = r.errLine();
        assertTrue(line.startsWith("bergenholm: " + bad + ": invalid JSON"), line);
        assertEquals(1, Cli.at(url, "host", "show", "bad-json-host").exit(), "host must not exist");

        Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2]");
        Cli.Result a = Cli.at(url, "group", "create", "array-group", array.toString());
        assertEquals(1, a.exit());
        assertTrue(a.errLine().contains(array + ": invalid JSON"), a.err());
    }

    @Test
    void unreadableFile() {
        Path missing = tmp.resolve("missing.json");
        Cli.Result r = Cli.at(url, "host", "create", "x", missing.toString());
        assertEquals(1, r.exit());
        assertEquals("bergenholm: cannot read " + missing + ": no such file", r.errLine());
    }

    @Test
    void unreachableServerAndPasswordNeverPrinted() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + port + "/api/1.0";
        Cli.Result r = Cli.run("host", "list", "--url", dead, "--user", "admin", "--password", "s3cret-pw");
        assertEquals(1, r.exit());
        assertEquals("bergenholm: cannot reach " + dead + ": connection refused", r.errLine());
        assertFalse(r.out().contains("s3cret-pw") || r.err().contains("s3cret-pw"));
        Cli.Result help = Cli.run("host", "list", "--help", "--password", "s3cret-pw");
        assertFalse(help.out().contains("s3cret-pw") || help.err().contains("s3cret-pw"));
    }

    @Test
    void basicAuthIsSentWhenUserGiven() throws Exception {
        // A stub server: the real one may not require authentication in tests.
        AtomicReference<String> auth = new AtomicReference<>("none");
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", ex -> {
            auth.set(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"hosts\": [\"b\", \"a\"]}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        stub.start();
        try {
            String stubUrl = "http://127.0.0.1:" + stub.getAddress().getPort() + "/api/1.0";
            Cli.Result r = Cli.run("host", "list", "--url", stubUrl, "--user", "admin", "--password", "pw");
            assertEquals("a\nb\n", r.out());
            assertEquals("Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)), auth.get());
            Cli.run("host", "list", "--url", stubUrl);
            assertEquals("null", auth.get(), "no Authorization without --user");
        } finally {
            stub.stop(0);
        }
    }
}
