package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A boot storm on an uncached 64 MiB initrd: one upstream request, every client gets every byte. */
class ConcurrentMissTest {
    static final int SIZE = 64 << 20;
    static final int HELD_AT = 8 << 20;
    static final int CLIENTS = 50;

    @TempDir
    Path data;

    @Test
    void fiftyClientsShareOneUpstreamDownloadAsItArrives() throws Exception {
        byte[] image = Clients.random(SIZE, 64);
        String expected = Clients.sha256(image);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS - 1);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            upstream.put("/initrd.img", image);
            CountDownLatch gate = upstream.gate("/initrd.img", HELD_AT);
            server.json("POST", "/api/1.0/hosts/rack", "{\"module\": \"" + upstream.url("/initrd.img") + "\"}");
            String url = server.url() + "/ipxe/initrd/rack";

            HttpResponse<InputStream> first = Clients.stream(url);
            assertEquals(200, first.statusCode());
            assertEquals(String.valueOf(SIZE), first.headers().firstValue("content-length").orElse(""), "length known before the body");
            byte[] head = first.body().readNBytes(HELD_AT);
            assertEquals(1, gate.getCount(), "the upstream is still holding the rest");
            assertArrayEquals(Arrays.copyOf(image, HELD_AT), head, "the first 8 MiB reached the client as they landed");

            List<Future<String>> others = new ArrayList<>();
            for (int i = 1; i < CLIENTS; i++) {
                others.add(pool.submit(() -> {
                    HttpResponse<InputStream> r = Clients.stream(url);
                    assertEquals(200, r.statusCode());
                    return Clients.sha256(r.body());
                }));
            }
            awaitReaders(server, CLIENTS);
            assertEquals(List.of(), threadsSendingABodyAfterAWhile(),
                    "the clients follow the held download from the I/O thread, no thread waits for each");
            gate.countDown();

            byte[] rest = first.body().readAllBytes();
            byte[] whole = Arrays.copyOf(head, SIZE);
            System.arraycopy(rest, 0, whole, HELD_AT, rest.length);
            assertEquals(SIZE - HELD_AT, rest.length);
            assertEquals(expected, Clients.sha256(whole));
            for (Future<String> f : others) {
                assertEquals(expected, f.get(120, TimeUnit.SECONDS));
            }
            assertEquals(1, upstream.requests("/initrd.img"), "exactly one upstream request for " + CLIENTS + " clients");

            String timeline = server.get("/api/1.0/hosts/rack/events").body();
            assertTrue(timeline.contains("\"initrd 0 served\"") && timeline.contains("\"cache\":\"miss\""), timeline);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void clientsOfAnUpstreamThatHasNotAnsweredYetHoldNoThread() throws Exception {
        byte[] image = Clients.random(1 << 20, 65);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            upstream.put("/vmlinuz", image);
            CountDownLatch answer = upstream.holdAnswer("/vmlinuz");
            server.json("POST", "/api/1.0/hosts/rack", "{\"kernel\": \"" + upstream.url("/vmlinuz") + "\"}");
            List<Future<String>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(pool.submit(() -> Clients.sha256(Clients.get(server.url() + "/ipxe/kernel/rack").body())));
            }
            awaitReaders(server, CLIENTS);
            assertEquals(List.of(), threadsInAfterAWhile(CachingImageServer.class),
                    CLIENTS + " clients wait for the upstream's answer, no thread waits for each");
            answer.countDown();
            for (Future<String> f : clients) {
                assertEquals(Clients.sha256(image), f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(1, upstream.requests("/vmlinuz"));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Threads inside ImageResponse.send (the blocking way of sending a body) once those that
     * were only starting an answer have had 5 s to finish it.
     */
    static List<String> threadsSendingABodyAfterAWhile() throws InterruptedException {
        return afterAWhile(() -> threadsIn(ImageResponse.class.getName(), "send"));
    }

    /** Threads running any code of {@code type} once those only passing through have had 5 s to leave it. */
    static List<String> threadsInAfterAWhile(Class<?> type) throws InterruptedException {
        return afterAWhile(() -> threadsIn(type.getName(), null));
    }

    private static List<String> afterAWhile(java.util.function.Supplier<List<String>> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> names = threads.get();
        while (!names.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            names = threads.get();
        }
        return names;
    }

    /** Threads with a frame of that class (and method, unless null) on their stack. */
    private static List<String> threadsIn(String className, String method) {
        List<String> names = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            for (StackTraceElement e : stack) {
                if (e.getClassName().equals(className) && (method == null || e.getMethodName().equals(method))) {
                    names.add(t.getName());
                    return;
                }
            }
        });
        return names;
    }

    /** Waits until at least n clients hold the image, so they join the download while it is held. */
    static void awaitReaders(TestServer server, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String list = server.get("/api/1.0/images").body();
            var m = java.util.regex.Pattern.compile("\"readers\":(\\d+)").matcher(list);
            if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + n + " clients joined the download: " + server.get("/api/1.0/images").body());
    }
}
