package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstreams that fail: prompt JSON errors before the body, cut connections and an empty cache after. */
class UpstreamFailureTest {
    static final ImageCacheConfig QUICK = ImageCacheConfig.defaults().withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500));
    static final byte[] IMAGE = Clients.random(4 << 20, 3);

    @TempDir
    Path data;

    @Test
    void upstreamKilledMidBodyCutsEveryClientAndCachesNothing() throws Exception {
        killedMidBody(false);
    }

    @Test
    void chunkedUpstreamKilledMidBodyCutsEveryClientAndCachesNothing() throws Exception {
        killedMidBody(true);
    }

    private void killedMidBody(boolean chunked) throws Exception {
        try (BrokenUpstream upstream = new BrokenUpstream(IMAGE, 1 << 20, chunked);
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + upstream.url() + "\"}");
            String url = server.url() + "/ipxe/kernel/h";
            List<CompletableFuture<String>> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        HttpResponse<InputStream> r = Clients.stream(url);
                        if (r.statusCode() != 200) {
                            // Registered as a reader but not yet answered when the upstream died:
                            // an error status is as good as a cut connection, never a short 200.
                            return "failed: status " + r.statusCode();
                        }
                        return Clients.sha256(r.body());
                    } catch (IOException | InterruptedException e) {
                        return "failed: " + e;
                    }
                }));
            }
            assertTrue(upstream.awaitPartSent());
            ConcurrentMissTest.awaitReaders(server, 3);
            upstream.kill();
            for (CompletableFuture<String> c : clients) {
                String outcome = c.get(20, TimeUnit.SECONDS);
                assertTrue(outcome.startsWith("failed: java.io.IOException") || outcome.equals("failed: status 502"),
                        "the client must see its transfer fail, got " + outcome);
            }
            assertEquals(1, upstream.requests());
            String list = server.get("/api/1.0/images").body();
            assertTrue(list.contains("\"complete\":false") && !list.contains("\"complete\":true"), list);
            try (Stream<Path> files = Files.list(data.resolve("images"))) {
                assertEquals(List.of(), files.toList(), "no truncated or temporary file is left");
            }
            String timeline = server.get("/api/1.0/hosts/h/events").body();
            assertTrue(timeline.contains("\"kernel failed\""), timeline);
            assertFalse(timeline.contains("\"kernel served\""), timeline);
        }
    }

    @Test
    void missingUnreachableAndSilentUpstreamsGivePromptJsonErrors() throws Exception {
        try (TestUpstream upstream = new TestUpstream();
                ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                TestServer server = TestServer.startWithImages(data, QUICK)) {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            server.json("POST", "/api/1.0/hosts/missing", "{\"kernel\": \"" + upstream.url("/nope") + "\"}");
            server.json("POST", "/api/1.0/hosts/unreachable", "{\"kernel\": \"http://127.0.0.1:" + closedPort + "/k\"}");
            server.json("POST", "/api/1.0/hosts/silent", "{\"kernel\": \"http://127.0.0.1:" + silent.getLocalPort() + "/k\"}");

            expectError(server, "missing", 502, "answered 404");
            expectError(server, "unreachable", 502, "unreachable");
            long start = System.nanoTime();
            expectError(server, "silent", 504, "timed out");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 3000, "a silent upstream fails after the read timeout, not later: " + ms + " ms");
        }
    }

    @Test
    void upstreamStallingMidBodyTimesOutAndCachesNothing() throws Exception {
        try (BrokenUpstream upstream = new BrokenUpstream(IMAGE, 1 << 20, false);
                TestServer server = TestServer.startWithImages(data, QUICK)) {
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + upstream.url() + "\"}");
            HttpResponse<InputStream> r = Clients.stream(server.url() + "/ipxe/kernel/h");
            assertEquals(200, r.statusCode());
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> Clients.sha256(r.body()), "the stalled transfer ends in an error");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 3000, "cut soon after the 500 ms read timeout, not later: " + ms + " ms");
            // The client's own stall timer (the same 500 ms) may cut it a moment before the download's
            // watchdog ends the download: the listing shows the failure once the watchdog has fired.
            String list = server.get("/api/1.0/images").body();
            for (long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    !list.contains("sent nothing for 500 ms") && System.nanoTime() < until; ) {
                Thread.sleep(20);
                list = server.get("/api/1.0/images").body();
            }
            assertTrue(list.contains("\"complete\":false") && list.contains("sent nothing for 500 ms"), list);
        }
    }

    private static void expectError(TestServer server, String host, int status, String text) throws Exception {
        TestServer.Reply r = server.get("/ipxe/kernel/" + host);
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json") && r.body().contains("\"error\"") && r.body().contains(text), r.body());
        String timeline = server.get("/api/1.0/hosts/" + host + "/events").body();
        assertTrue(timeline.contains("\"kernel failed\"") && timeline.contains("\"status\":" + status), timeline);
    }
}
