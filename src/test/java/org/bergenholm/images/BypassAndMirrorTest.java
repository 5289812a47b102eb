package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cache: false` streams past the cache; `file://` URLs are served only from the configured mirror. */
class BypassAndMirrorTest {
    @TempDir
    Path data;
    @TempDir
    Path mirror;
    @TempDir
    Path elsewhere;

    @Test
    void cacheFalseOnAGroupStreamsEveryRequestFromTheUpstream() throws Exception {
        byte[] image = Clients.random(1 << 20, 11);
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            upstream.put("/k", image);
            server.json("POST", "/api/1.0/groups/nocache", "{\"cache\": false}");
            server.json("POST", "/api/1.0/hosts/h", "{\"groups\": [\"nocache\"], \"kernel\": \"" + upstream.url("/k") + "\"}");
            server.json("POST", "/api/1.0/hosts/cached", "{\"kernel\": \"" + upstream.url("/k") + "\"}");
            assertArrayEquals(image, Clients.get(server.url() + "/ipxe/kernel/h").body());
            assertArrayEquals(image, Clients.get(server.url() + "/ipxe/kernel/h").body());
            assertEquals(2, upstream.requests("/k"), "no cache: each request goes upstream");
            assertEquals("{\"images\":[]}", server.get("/api/1.0/images").body());
            String timeline = server.get("/api/1.0/hosts/h/events").body();
            assertTrue(timeline.contains("\"cache\":\"off\""), timeline);

            assertArrayEquals(image, Clients.get(server.url() + "/ipxe/kernel/cached").body());
            assertEquals(3, upstream.requests("/k"));
            // The client has its last byte as the download writes it; the entry is complete a moment later.
            String images = server.get("/api/1.0/images").body();
            for (long end = System.nanoTime() + 5_000_000_000L; !images.contains("\"complete\":true") && System.nanoTime() < end; ) {
                Thread.sleep(20);
                images = server.get("/api/1.0/images").body();
            }
            assertTrue(images.contains("\"complete\":true"), "a host without the flag caches: " + images);
        }
    }

    @Test
    void fileUrlsOnlyFromInsideTheMirror() throws Exception {
        byte[] image = Clients.random(100_000, 12);
        Path inside = Files.write(mirror.resolve("vmlinuz"), image);
        Path outside = Files.write(elsewhere.resolve("secret"), "not yours".getBytes());
        Files.createSymbolicLink(mirror.resolve("escape"), outside);
        try (TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults().withMirrorDir(mirror))) {
            server.json("POST", "/api/1.0/hosts/in", "{\"kernel\": \"" + inside.toUri() + "\"}");
            server.json("POST", "/api/1.0/hosts/out", "{\"kernel\": \"" + outside.toUri() + "\"}");
            server.json("POST", "/api/1.0/hosts/link", "{\"kernel\": \"" + mirror.resolve("escape").toUri() + "\"}");
            server.json("POST", "/api/1.0/hosts/gone", "{\"kernel\": \"" + mirror.resolve("gone").toUri() + "\"}");
            HttpResponse<byte[]> r = Clients.get(server.url() + "/ipxe/kernel/in");
            assertEquals(200, r.statusCode());
            assertArrayEquals(image, r.body());
            assertTrue(r.headers().firstValue("etag").isPresent() && r.headers().firstValue("last-modified").isPresent());
            HttpResponse<byte[]> part = Clients.get(server.url() + "/ipxe/kernel/in", "Range", "bytes=5-9");
            assertEquals(206, part.statusCode());
            assertArrayEquals(Arrays.copyOfRange(image, 5, 10), part.body());
            assertEquals(403, server.get("/ipxe/kernel/out").status());
            assertEquals(403, server.get("/ipxe/kernel/link").status(), "a symlink out of the mirror is refused");
            assertEquals(502, server.get("/ipxe/kernel/gone").status());
            assertTrue(server.get("/ipxe/kernel/out").body().contains("outside the local mirror"));
        }
        try (TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            TestServer.Reply r = server.get("/ipxe/kernel/in");
            assertEquals(403, r.status(), "without a mirror directory no file:// URL is served");
            assertTrue(r.body().contains("images-mirror-dir"), r.body());
        }
    }
}
