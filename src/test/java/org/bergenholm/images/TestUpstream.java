package org.bergenholm.images;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server standing in for a distribution mirror: serves byte arrays with ETag and
 * Last-Modified, answers If-None-Match with 304, counts every request per path, and can hold
 * its answer, or a body at a given offset, until the test opens the gate.
 */
final class TestUpstream implements AutoCloseable {
    private record Image(byte[] body, String etag, String lastModified) {
    }

    private record Gate(long after, CountDownLatch open) {
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Image> images = new ConcurrentHashMap<>();
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final java.util.Set<String> chunked = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> notModified = new ConcurrentHashMap<>();
    private final AtomicInteger version = new AtomicInteger();

    TestUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves body at path from now on, with a new ETag. */
    void put(String path, byte[] body) {
        int v = version.incrementAndGet();
        images.put(path, new Image(body, "\"v" + v + "\"", "Mon, 0" + (v % 9 + 1) + " Jan 2024 00:00:00 GMT"));
    }

    /** Serves body at path without Content-Length (chunked), as some mirrors and CGI scripts do. */
    void putChunked(String path, byte[] body) {
        put(path, body);
        chunked.add(path);
    }

    /** Requests for path get no answer, not even headers, until the returned latch is opened. */
    CountDownLatch holdAnswer(String path) {
        return gate(path, -1);
    }

    /** The next bodies of path stop after this many bytes until the returned latch is opened. */
    CountDownLatch gate(String path, long after) {
        CountDownLatch open = new CountDownLatch(1);
        gates.put(path, new Gate(after, open));
        return open;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int requests(String path) {
        return requests.computeIfAbsent(path, p -> new AtomicInteger()).get();
    }

    int notModified(String path) {
        return notModified.computeIfAbsent(path, p -> new AtomicInteger()).get();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Image image = images.get(path);
        if (image == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().add("ETag", image.etag());
        ex.getResponseHeaders().add("Last-Modified", image.lastModified());
        ex.getResponseHeaders().add("Content-Type", "application/x-boot-image");
        if (image.etag().equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            ex.sendResponseHeaders(304, -1);
            ex.close();
            return;
        }
        Gate gate = gates.get(path);
        if (gate != null && gate.after() < 0) {
            try {
                gate.open().await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            gate = null;
        }
        ex.sendResponseHeaders(200, chunked.contains(path) ? 0 : image.body().length);
        try (OutputStream out = ex.getResponseBody()) {
            int held = gate == null ? 0 : (int) Math.min(gate.after(), image.body().length);
            out.write(image.body(), 0, held);
            out.flush();
            if (gate != null) {
                try {
                    gate.open().await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            out.write(image.body(), held, image.body().length - held);
        }
    }

    @Override
    public void close() {
        gates.values().forEach(g -> g.open().countDown());
        server.stop(0);
        pool.shutdownNow();
    }
}
