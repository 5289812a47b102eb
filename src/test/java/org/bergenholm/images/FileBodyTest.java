package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A complete image's body goes out from the I/O thread, one of unknown length from a transfer thread:
 * every way either ends gives its transfer slot back.
 */
class FileBodyTest {
    @TempDir
    Path data;

    @Test
    void moreAnswersThanTransferSlotsOneAfterTheOther() throws Exception {
        byte[] kernel = Clients.random(64 << 10, 21);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            upstream.put("/k", kernel);
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + upstream.url("/k") + "\"}");
            String url = server.url() + "/ipxe/kernel/h";
            for (int i = 0; i < CachingImageServer.MAX_TRANSFERS + 100; i++) {
                switch (i % 4) {
                    case 0 -> assertEquals(304, Clients.get(url, "If-None-Match", "\"v1\"").statusCode());
                    case 1 -> assertEquals(200, Clients.head(url).statusCode());
                    case 2 -> assertEquals(206, Clients.get(url, "Range", "bytes=10-19").statusCode());
                    default -> assertArrayEquals(kernel, Clients.get(url).body(), "request " + i);
                }
            }
        }
    }

    @Test
    void aCachedImageIsAnsweredWithoutATransferThread() throws Exception {
        byte[] kernel = Clients.random(1 << 20, 24);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            upstream.put("/k", kernel);
            String image = upstream.url("/k");
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + image + "\"}");
            // Filled by prefetch, which downloads on the cache's own threads: this server's transfer
            // pool has started no thread yet, so any it starts below is new.
            assertEquals(202, server.json("POST", "/api/1.0/images/prefetch", "{\"urls\": [\"" + image + "\"]}").status());
            for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end
                    && !server.get("/api/1.0/images").body().contains("\"complete\":true"); ) {
                Thread.sleep(20);
            }
            java.util.Set<Thread> before = transferThreads();
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(kernel, Clients.get(server.url() + "/ipxe/kernel/h").body(), "request " + i);
            }
            java.util.Set<Thread> started = transferThreads();
            started.removeAll(before);
            assertEquals(java.util.Set.of(), started, "a cached image waits for nothing, so no transfer thread is woken for it");
        }
    }

    private static java.util.Set<Thread> transferThreads() {
        java.util.Set<Thread> found = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("image-transfer")) {
                found.add(t);
            }
        }
        return found;
    }

    @Test
    void aClientThatLeavesMidBodyIsOnItsTimelineAndTheNextOneIsServed() throws Exception {
        byte[] initrd = Clients.random(32 << 20, 22);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            String url = cachedInitrd(upstream, server, initrd);

            URI u = URI.create(url);
            try (Socket s = new Socket(u.getHost(), u.getPort())) {
                s.setReceiveBufferSize(16 << 10);
                OutputStream out = s.getOutputStream();
                out.write(("GET " + u.getPath() + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] some = in.readNBytes(100_000);
                assertTrue(new String(some, 0, 12, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
                s.setSoLinger(true, 0); // a reset, as a client that powers off mid-transfer
            }
            String timeline = "";
            for (long end = System.nanoTime() + 10_000_000_000L; !timeline.contains("initrd 0 failed") && System.nanoTime() < end; ) {
                Thread.sleep(50);
                timeline = server.get("/api/1.0/hosts/h/events").body();
            }
            assertTrue(timeline.contains("initrd 0 failed") && !timeline.contains("\"error\":\"null\""), timeline);
            assertArrayEquals(initrd, Clients.get(url).body(), "the next client gets the whole image");
        }
    }

    @Test
    void aClientThatStopsReadingIsCutAfterTheReadTimeout() throws Exception {
        byte[] initrd = Clients.random(32 << 20, 23);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, TWO_SECOND_STALL)) {
            String url = cachedInitrd(upstream, server, initrd);
            stopReadingAndExpectCut(server, url, initrd.length, head -> { });
        }
    }

    /**
     * A client of a download from an upstream that gives no length is served from a transfer thread,
     * which waited for ever on a client that stopped reading: it is cut after the read timeout too.
     */
    @Test
    void aClientThatStopsReadingABodyOfUnknownLengthIsCutAfterTheReadTimeout() throws Exception {
        byte[] initrd = Clients.random(32 << 20, 29);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, TWO_SECOND_STALL)) {
            upstream.putChunked("/i", initrd);
            java.util.concurrent.CountDownLatch rest = upstream.gate("/i", 1 << 20); // the download stays under way
            server.json("POST", "/api/1.0/hosts/h", "{\"module\": \"" + upstream.url("/i") + "\"}");
            stopReadingAndExpectCut(server, server.url() + "/ipxe/initrd/h", initrd.length, head -> {
                assertTrue(head.contains("chunked"), "a body of unknown length: " + head);
                rest.countDown(); // 31 MiB more than the connection holds, and the client reads no more
            });
            assertArrayEquals(initrd, Clients.get(server.url() + "/ipxe/initrd/h").body(), "the download itself completed");
        }
    }

    private static final ImageCacheConfig TWO_SECOND_STALL =
            ImageCacheConfig.defaults().withTimeouts(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(2));

    /**
     * Asks for host h's initrd at url with a small receive buffer, reads its first 1000 bytes (handed to
     * {@code thenStop}) and no more; the server must cut it 2 s later, short of {@code length} bytes.
     */
    private static void stopReadingAndExpectCut(TestServer server, String url, int length,
            java.util.function.Consumer<String> thenStop) throws Exception {
        URI u = URI.create(url);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 << 10);
            s.connect(new java.net.InetSocketAddress(u.getHost(), u.getPort()));
            s.getOutputStream().write(("GET " + u.getPath() + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            thenStop.accept(new String(in.readNBytes(1000), StandardCharsets.US_ASCII));
            long stopped = System.nanoTime();
            String timeline = "";
            while (!timeline.contains("initrd 0 failed") && System.nanoTime() - stopped < 10_000_000_000L) {
                Thread.sleep(100);
                timeline = server.get("/api/1.0/hosts/h/events").body();
            }
            long cutAfterMs = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(timeline.contains("took no byte for 2000 ms"), timeline);
            assertTrue(cutAfterMs >= 1900 && cutAfterMs < 6000, "cut after " + cutAfterMs + " ms");
            s.setSoTimeout(5000);
            byte[] rest = new byte[1 << 16];
            long got = 0;
            for (int n; (n = in.read(rest)) > 0; ) {
                got += n;
            }
            assertTrue(got < length, "the connection ended short: " + got);
        }
    }

    /** Host h's initrd, fetched once so that the cache holds it whole; returns its URL. */
    private static String cachedInitrd(TestUpstream upstream, TestServer server, byte[] initrd) throws Exception {
        upstream.put("/i", initrd);
        server.json("POST", "/api/1.0/hosts/h", "{\"module\": \"" + upstream.url("/i") + "\"}");
        String url = server.url() + "/ipxe/initrd/h";
        assertArrayEquals(initrd, Clients.get(url).body(), "the first answer fills the cache");
        return url;
    }
}
