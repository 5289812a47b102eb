package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which images a booting machine's script has fetched ahead, against a real upstream and cache. */
class ImagesAheadTest {
    private static final String UUID = "5b000000-0000-4000-8000-000000000001";
    private static final String SCRIPT = "#!ipxe\ninitrd --name module0 http://10.0.0.1/ipxe/initrd/${uuid}/0\n"
            + "kernel http://10.0.0.1/ipxe/kernel/${uuid} console=ttyS0\nboot\n";
    @TempDir
    Path dir;

    private static Map<String, Object> params(TestUpstream upstream, Object... more) {
        Map<String, Object> p = new java.util.LinkedHashMap<>(Map.of("kernel", upstream.url("/vmlinuz"),
                "module0", upstream.url("/initrd.img"), "module1", upstream.url("/unused.img"), "ipxe_script", "linux.ipxe"));
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return p;
    }

    private static TestUpstream upstream() throws Exception {
        TestUpstream upstream = new TestUpstream();
        for (String path : List.of("/vmlinuz", "/initrd.img", "/unused.img")) {
            upstream.put(path, Clients.random(4096, path.length()));
        }
        return upstream;
    }

    private static void awaitComplete(ImageCache cache, int images) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.list().stream().filter(ImageCache.Entry::complete).count() < images && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @Test
    void fetchesWhatTheScriptFetchesOnceAndNothingItDoesNot() throws Exception {
        try (TestUpstream upstream = upstream(); ImageCache cache = new ImageCache(dir, ImageCacheConfig.defaults())) {
            ImagesAhead ahead = new ImagesAhead(cache, (id, p) -> Optional.of(SCRIPT));
            Map<String, Object> params = params(upstream);
            assertEquals(List.of(upstream.url("/initrd.img"), upstream.url("/vmlinuz")), ahead.fetch(UUID, UUID, params));
            awaitComplete(cache, 2);
            assertEquals(List.of(), ahead.fetch(UUID, UUID, params), "cached: not fetched again");
            assertEquals(1, upstream.requests("/vmlinuz"));
            assertEquals(1, upstream.requests("/initrd.img"));
            assertEquals(0, upstream.requests("/unused.img"), "module1 is named but the script never asks for it");
            assertEquals(2, cache.list().size());
            ahead.close();
        }
    }

    @Test
    void leavesAloneWhatTheHostWillNotFetchThroughTheCache() throws Exception {
        try (TestUpstream upstream = upstream(); ImageCache cache = new ImageCache(dir, ImageCacheConfig.defaults())) {
            ImagesAhead ahead = new ImagesAhead(cache, (id, p) -> Optional.of(SCRIPT));
            assertEquals(List.of(), ahead.fetch("rack-1", UUID, params(upstream)),
                    "found by MAC: ${uuid} names another host than this one");
            assertEquals(List.of(), ahead.fetch(UUID, UUID, params(upstream, "cache", false)), "cache: false streams instead");
            assertEquals(List.of(), ahead.fetch(UUID, UUID, params(upstream, "kernel", "file:///srv/vmlinuz", "module0", "")));
            assertEquals(List.of(), new ImagesAhead(cache, (id, p) -> Optional.empty()).fetch(UUID, UUID, params(upstream)),
                    "no script rendered yet: nothing is rendered for this");
            String byId = SCRIPT.replace("${uuid}", "rack-1");
            assertEquals(List.of(upstream.url("/initrd.img"), upstream.url("/vmlinuz")),
                    new ImagesAhead(cache, (id, p) -> Optional.of(byId)).fetch("rack-1", null, params(upstream)),
                    "a script that names the host itself");
            ahead.close();
        }
    }

    /** DHCP's thread only hands the work over: a slow or busy worker costs it nothing, and what overflows is dropped. */
    @Test
    void bootingReturnsAtOnceEvenWhenTheWorkerIsStuck() throws Exception {
        try (TestUpstream upstream = upstream(); ImageCache cache = new ImageCache(dir, ImageCacheConfig.defaults())) {
            CountDownLatch stuck = new CountDownLatch(1);
            CountDownLatch entered = new CountDownLatch(1);
            ImagesAhead ahead = new ImagesAhead(cache, (id, p) -> {
                entered.countDown();
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.of(SCRIPT);
            });
            Map<String, Object> params = params(upstream);
            long start = System.nanoTime();
            for (int i = 0; i < ImagesAhead.QUEUE * 4; i++) {
                ahead.booting(UUID, UUID, params);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            assertTrue(millis < 1000, ImagesAhead.QUEUE * 4 + " calls took " + millis + " ms");
            stuck.countDown();
            awaitComplete(cache, 2);
            assertEquals(1, upstream.requests("/vmlinuz"), "queued repeats of the same host start nothing more");
            ahead.close();
        }
    }
}
