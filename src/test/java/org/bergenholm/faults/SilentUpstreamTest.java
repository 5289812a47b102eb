package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bergenholm.images.ImageCacheConfig;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream mirror that accepts connections and never says a word. Far more clients than
 * Undertow has worker threads ask it for kernels, cached and `cache: false`; the REST API
 * keeps answering at once, and every client gets a 504 once the read timeout has passed.
 */
class SilentUpstreamTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(4);

    @TempDir Path data;

    @Test
    void silentUpstreamTiesUpNoWorker() throws Exception {
        // Undertow's default is 8 workers per core (at least 2 cores): twice that, and more.
        int clients = 2 * 8 * Math.max(2, Runtime.getRuntime().availableProcessors()) + 16;
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
                TestServer server = TestServer.startWithImages(data,
                        ImageCacheConfig.defaults().withTimeouts(Duration.ofSeconds(2), READ_TIMEOUT))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // and never write a byte
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < clients; i++) {
                String url = "http://127.0.0.1:" + silent.getLocalPort() + "/vmlinuz-" + i;
                assertEquals(201, server.json("POST", "/api/1.0/hosts/h" + i,
                        "{\"kernel\": \"" + url + "\", \"cache\": " + (i % 2 == 0) + "}").status());
            }

            HttpClient http = HttpClient.newHttpClient();
            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                waiting.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.url() + "/ipxe/kernel/h" + i))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (held.size() < clients && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            int stuck = held.size();

            long worst = 0;
            for (int i = 0; i < 5; i++) {
                Timed.Reply hosts = Timed.get(server.apiUrl() + "/hosts");
                assertEquals(200, hosts.status());
                worst = Math.max(worst, hosts.millis());
            }
            assertTrue(worst < 1000, "/api/1.0/hosts took " + worst + " ms with " + clients + " image requests stuck upstream");
            assertTrue((System.nanoTime() - started) < READ_TIMEOUT.toNanos(), "the API answered before any image request timed out");
            assertEquals(clients, stuck, "every image request was waiting on the silent upstream meanwhile");

            for (CompletableFuture<HttpResponse<String>> w : waiting) {
                HttpResponse<String> r = w.get(30, TimeUnit.SECONDS);
                assertEquals(504, r.statusCode(), r.uri() + ": " + r.body());
                assertTrue(r.body().contains("\"error\""), r.body());
            }
            long allMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(allMillis < READ_TIMEOUT.toMillis() + 8000, "every client had its 504 after " + allMillis + " ms");
            System.out.printf("silent upstream: %d image requests, API slowest %d ms, all 504 after %d ms%n", clients, worst, allMillis);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void uncachedUpstreamFallingSilentMidBodyIsCut() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                TestServer server = TestServer.startWithImages(data,
                        ImageCacheConfig.defaults().withTimeouts(Duration.ofSeconds(2), READ_TIMEOUT))) {
            Thread upstream = new Thread(() -> {
                try {
                    Socket s = stalling.accept();
                    held.add(s);
                    s.getInputStream().read(new byte[8192]); // the request; its contents do not matter
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n"
                            + "Content-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().write(new byte[1000]);
                    s.getOutputStream().flush(); // and then nothing more
                } catch (IOException closed) {
                    // the test is over
                }
            });
            upstream.setDaemon(true);
            upstream.start();
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"http://127.0.0.1:" + stalling.getLocalPort()
                    + "/vmlinuz\", \"cache\": false}");
            long started = System.nanoTime();
            // A plain socket: the JDK client would quietly retry a GET whose connection closed early.
            String reply;
            try (Socket client = new Socket("127.0.0.1", Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1)))) {
                client.setSoTimeout(30_000);
                client.getOutputStream().write("GET /ipxe/kernel/h HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                reply = new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            int headerEnd = reply.indexOf("\r\n\r\n");
            boolean wholeAnswer = reply.startsWith("HTTP/1.1 200") && headerEnd > 0
                    && reply.length() - headerEnd - 4 >= 100_000;
            assertTrue(!wholeAnswer && !reply.contains("Content-Length: 1000\r\n"),
                    "a short body must end in a cut connection, never pass for the whole image: "
                    + reply.substring(0, Math.max(0, headerEnd)));
            assertTrue(millis < READ_TIMEOUT.toMillis() + 3000, "cut after " + millis + " ms");
            String timeline = server.get("/api/1.0/hosts/h/events").body();
            assertTrue(timeline.contains("\"kernel failed\""), timeline);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void imageTransfersBeyondTheirLimitAre503() throws Exception {
        int limit = 1024; // CachingImageServer.MAX_TRANSFERS
        int extra = 16;
        List<Socket> held = new CopyOnWriteArrayList<>();
        List<java.nio.channels.SocketChannel> clients = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                TestServer server = TestServer.startWithImages(data,
                        ImageCacheConfig.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30)))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"http://127.0.0.1:" + silent.getLocalPort() + "/vmlinuz\"}");
            int port = Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1));
            byte[] get = "GET /ipxe/kernel/h HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < limit + extra; i++) {
                java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(new java.net.InetSocketAddress("127.0.0.1", port));
                c.write(java.nio.ByteBuffer.wrap(get));
                c.configureBlocking(false);
                clients.add(c);
            }
            // Every request is either waiting for the silent upstream on a transfer thread or refused.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int refused = 0;
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
            List<java.nio.channels.SocketChannel> pending = new ArrayList<>(clients);
            while (refused < extra && System.nanoTime() < deadline) {
                Thread.sleep(200);
                for (java.util.Iterator<java.nio.channels.SocketChannel> it = pending.iterator(); it.hasNext(); ) {
                    java.nio.channels.SocketChannel c = it.next();
                    buf.clear();
                    if (c.read(buf) > 0) {
                        String reply = new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.ISO_8859_1);
                        assertTrue(reply.startsWith("HTTP/1.1 503") && reply.contains("too many image transfers"), reply);
                        refused++;
                        it.remove();
                    }
                }
            }
            assertEquals(extra, refused, "requests beyond the " + limit + " transfers are refused at once");
            Thread.sleep(500);
            for (java.nio.channels.SocketChannel c : pending) {
                buf.clear();
                assertEquals(0, c.read(buf), "the first " + limit + " are still waiting for the upstream");
            }
            assertEquals(200, Timed.get(server.apiUrl() + "/hosts").status());
            // The download fails now (the JDK client's retry finds nobody listening), so the
            // server's stop need not wait for the read timeout.
            silent.close();
            for (Socket s : held) {
                s.close();
            }
        } finally {
            for (java.nio.channels.SocketChannel c : clients) {
                c.close();
            }
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
