package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries older than images-revalidate-after are checked with the upstream by ETag. */
class RevalidationTest {
    @TempDir
    Path data;

    @Test
    void unchangedUpstreamKeepsTheEntryAndAChangedOneReplacesItUnderAReader() throws Exception {
        byte[] v1 = Clients.random(32 << 20, 1);
        byte[] v2 = Clients.random(1 << 20, 2);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults().withRevalidateAfter(Duration.ZERO))) {
            upstream.put("/initrd", v1);
            server.json("POST", "/api/1.0/hosts/h", "{\"module\": \"" + upstream.url("/initrd") + "\"}");
            String url = server.url() + "/ipxe/initrd/h";

            assertArrayEquals(v1, Clients.get(url).body());
            assertEquals(1, upstream.requests("/initrd"));

            assertArrayEquals(v1, Clients.get(url).body());
            assertEquals(2, upstream.requests("/initrd"), "a stale entry is revalidated");
            assertEquals(1, upstream.notModified("/initrd"), "by a conditional request the upstream answered 304");

            // A slow client of the old image holds it (32 MiB does not fit in the socket buffers)…
            HttpResponse<InputStream> old = Clients.stream(url);
            byte[] oldHead = old.body().readNBytes(64 << 10);
            // …while the upstream changes and another client fetches the new image.
            upstream.put("/initrd", v2);
            HttpResponse<byte[]> fresh = Clients.get(url);
            assertArrayEquals(v2, fresh.body());
            assertEquals("\"v2\"", fresh.headers().firstValue("etag").orElse(""));

            byte[] oldRest = old.body().readAllBytes();
            byte[] oldWhole = Arrays.copyOf(oldHead, oldHead.length + oldRest.length);
            System.arraycopy(oldRest, 0, oldWhole, oldHead.length, oldRest.length);
            assertEquals(Clients.sha256(v1), Clients.sha256(oldWhole), "the reader of the old image got all of it, undisturbed");

            assertArrayEquals(v2, Clients.get(url).body());
            assertEquals(3, upstream.notModified("/initrd"), "the slow client's and this request were both 304s: the replacement is cached");
            String list = server.get("/api/1.0/images").body();
            assertTrue(list.contains("\"size\":" + v2.length + ","), list);
        }
    }

    @Test
    void anUpstreamDownAtRevalidationLeavesTheCachedCopyInService() throws Exception {
        byte[] image = Clients.random(1 << 20, 3);
        TestUpstream upstream = new TestUpstream();
        try (TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults().withRevalidateAfter(Duration.ZERO))) {
            upstream.put("/k", image);
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + upstream.url("/k") + "\"}");
            String url = server.url() + "/ipxe/kernel/h";
            assertArrayEquals(image, Clients.get(url).body());
            upstream.close();
            HttpResponse<byte[]> stale = Clients.get(url);
            assertEquals(200, stale.statusCode(), "a mirror outage does not stop machines booting what is cached");
            assertArrayEquals(image, stale.body());
            String list = server.get("/api/1.0/images").body();
            assertTrue(list.contains("\"complete\":true") && list.contains("unreachable"), "the failed revalidation is shown: " + list);
        } finally {
            upstream.close();
        }
    }
}
