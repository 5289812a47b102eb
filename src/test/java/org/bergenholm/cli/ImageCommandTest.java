package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** `images prefetch|list|purge` against a running appliance and a real upstream. */
class ImageCommandTest {
    @Test
    void prefetchListAndPurge() throws Exception {
        byte[] kernel = new byte[2_000_000];
        new java.util.Random(4).nextBytes(kernel);
        Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (path.equals("/missing")) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, kernel.length);
                ex.getResponseBody().write(kernel);
            }
            ex.close();
        });
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
        try (TestServer server = TestServer.start()) {
            String api = server.apiUrl();
            Cli.Result fetched = Cli.at(api, "images", "prefetch", base + "/vmlinuz", base + "/initrd");
            assertEquals(0, fetched.exit(), fetched.err());
            assertEquals("cached 2000000 bytes  " + base + "/vmlinuz\ncached 2000000 bytes  " + base + "/initrd\n", fetched.out());

            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + base + "/vmlinuz\"}");
            assertEquals(200, server.get("/ipxe/kernel/h").status());
            assertEquals(1, hits.get("/vmlinuz").get(), "the boot was served from what prefetch fetched");

            Cli.Result again = Cli.at(api, "images", "prefetch", base + "/vmlinuz");
            assertEquals(0, again.exit(), again.err());
            assertEquals(1, hits.get("/vmlinuz").get(), "a fresh entry is not fetched again");

            Cli.Result missing = Cli.at(api, "images", "prefetch", base + "/missing");
            assertEquals(1, missing.exit());
            assertTrue(missing.errLine().startsWith("bergenholm: prefetch " + base + "/missing: ") && missing.err().contains("404"), missing.err());

            String list = Cli.at(api, "images", "list").out();
            assertTrue(list.matches("(?s).*\\s2000000  cached .*" + base + "/initrd\n.*"), list);
            assertTrue(list.contains("failed") && list.contains(base + "/missing  (upstream"), list);

            Cli.Result one = Cli.at(api, "images", "purge", base + "/initrd");
            assertEquals("purged 1\n", one.out(), one.err());
            assertFalse(Cli.at(api, "images", "list").out().contains(base + "/initrd"));

            Cli.Result unknown = Cli.at(api, "images", "purge", base + "/never");
            assertEquals(1, unknown.exit());
            assertTrue(unknown.errLine().contains("404"), unknown.err());

            assertEquals("purged 2\n", Cli.at(api, "images", "purge").out());
            assertEquals("", Cli.at(api, "images", "list").out());
        } finally {
            upstream.stop(0);
        }
    }
}
