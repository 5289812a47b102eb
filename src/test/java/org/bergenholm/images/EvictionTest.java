package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The size bound: least recently used entries go first, an entry being read never, and the cache survives restarts. */
class EvictionTest {
    static final int MIB = 1 << 20;

    @TempDir
    Path data;

    static String host(TestServer server, TestUpstream upstream, String name) throws Exception {
        server.json("POST", "/api/1.0/hosts/" + name, "{\"kernel\": \"" + upstream.url("/" + name) + "\"}");
        return server.url() + "/ipxe/kernel/" + name;
    }

    @Test
    void leastRecentlyUsedEntryGoesFirst() throws Exception {
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults().withMaxBytes(3 * MIB + MIB / 2))) {
            for (String name : new String[] {"a", "b", "c", "d"}) {
                upstream.put("/" + name, Clients.random(MIB, name.charAt(0)));
            }
            String a = host(server, upstream, "a");
            String b = host(server, upstream, "b");
            String c = host(server, upstream, "c");
            String d = host(server, upstream, "d");
            Clients.get(a);
            Clients.get(b);
            Clients.get(c);
            Clients.get(a);
            Clients.get(d);
            String list = server.get("/api/1.0/images").body();
            assertTrue(list.contains(upstream.url("/a")) && list.contains(upstream.url("/c")) && list.contains(upstream.url("/d")), list);
            assertFalse(list.contains(upstream.url("/b")), "b was used least recently: " + list);
            Clients.get(b);
            Clients.get(a);
            assertEquals(2, upstream.requests("/b"), "b was evicted and fetched again");
            assertEquals(1, upstream.requests("/a"));
        }
    }

    @Test
    void roomIsMadeWhenADownloadStartsNotWhenItEnds() throws Exception {
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults().withMaxBytes(2 * MIB + MIB / 2))) {
            upstream.put("/a", Clients.random(MIB, 'a'));
            upstream.put("/b", Clients.random(MIB, 'b'));
            upstream.put("/c", Clients.random(MIB, 'c'));
            Clients.get(host(server, upstream, "a"));
            Clients.get(host(server, upstream, "b"));
            java.util.concurrent.CountDownLatch gate = upstream.gate("/c", 1000);
            HttpResponse<InputStream> c = Clients.stream(host(server, upstream, "c"));
            String list = server.get("/api/1.0/images").body();
            assertFalse(list.contains(upstream.url("/a")), "a made room for c's announced megabyte: " + list);
            assertTrue(list.contains(upstream.url("/b")) && list.contains("\"downloading\":true"), list);
            gate.countDown();
            assertEquals(MIB, c.body().readAllBytes().length);
        }
    }

    @Test
    void anEntryBeingReadIsNeverEvicted() throws Exception {
        byte[] big = Clients.random(32 * MIB, 9);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults().withMaxBytes(40 * MIB))) {
            upstream.put("/big", big);
            upstream.put("/s1", Clients.random(6 * MIB, 1));
            upstream.put("/s2", Clients.random(6 * MIB, 2));
            HttpResponse<InputStream> slow = Clients.stream(host(server, upstream, "big"));
            byte[] head = slow.body().readNBytes(64 << 10);
            awaitComplete(server, upstream.url("/big"));
            Clients.get(host(server, upstream, "s1"));
            Clients.get(host(server, upstream, "s2"));
            String list = server.get("/api/1.0/images").body();
            assertTrue(list.contains(upstream.url("/big")) && list.contains(upstream.url("/s2")), list);
            assertFalse(list.contains(upstream.url("/s1")), "the oldest entry not being read goes: " + list);

            byte[] rest = slow.body().readAllBytes();
            assertEquals(big.length, head.length + rest.length);
            assertEquals(Clients.sha256(big), Clients.sha256(concat(head, rest)));
        }
    }

    @Test
    void entriesSurviveARestartAndLeftoverDownloadsAreCleared() throws Exception {
        byte[] image = Clients.random(2 * MIB, 5);
        try (TestUpstream upstream = new TestUpstream()) {
            upstream.put("/k", image);
            String url;
            try (TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
                url = host(server, upstream, "k");
                assertArrayEquals(image, Clients.get(url).body());
            }
            Path leftover = Files.write(data.resolve("images").resolve("0123.1.part"), new byte[10]);
            try (TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
                assertFalse(Files.exists(leftover), "a partial download from before the restart is deleted");
                HttpResponse<byte[]> r = Clients.get(server.url() + "/ipxe/kernel/k");
                assertArrayEquals(image, r.body());
                assertEquals("\"v1\"", r.headers().firstValue("etag").orElse(""));
                assertEquals(1, upstream.requests("/k"), "served from the cache kept on disk");
            }
        }
    }

    /** The download ends on its own while its slow client still holds the entry. */
    static void awaitComplete(TestServer server, String url) throws Exception {
        for (int i = 0; i < 500; i++) {
            String list = server.get("/api/1.0/images").body();
            if (list.matches(".*\"" + java.util.regex.Pattern.quote(url)
                    + "\",\"size\":\\d+,\"length\":\\d+,\"complete\":true.*")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(url + " never completed: " + server.get("/api/1.0/images").body());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
