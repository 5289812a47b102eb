package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers, HEAD, byte ranges and conditional GETs, from a complete entry and from a download under way. */
class ResponsesTest {
    static final byte[] KERNEL = Clients.random(3 << 20, 7);

    @TempDir
    Path data;
    TestUpstream upstream;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream();
        upstream.put("/vmlinuz", KERNEL);
        server = TestServer.startWithImages(data, ImageCacheConfig.defaults());
        server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + upstream.url("/vmlinuz") + "\"}");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        upstream.close();
    }

    String kernel() {
        return server.url() + "/ipxe/kernel/h";
    }

    @Test
    void completeEntryAnswersWithTheUpstreamsHeadersHeadAndRanges() throws Exception {
        assertEquals(200, Clients.get(kernel()).statusCode());

        HttpResponse<Void> head = Clients.head(kernel());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(KERNEL.length), head.headers().firstValue("content-length").orElse(""));
        assertEquals("application/x-boot-image", head.headers().firstValue("content-type").orElse(""));
        assertEquals("\"v1\"", head.headers().firstValue("etag").orElse(""));
        assertEquals("Mon, 02 Jan 2024 00:00:00 GMT", head.headers().firstValue("last-modified").orElse(""));
        assertEquals("bytes", head.headers().firstValue("accept-ranges").orElse(""));

        HttpResponse<byte[]> mid = Clients.get(kernel(), "Range", "bytes=1000-1999");
        assertEquals(206, mid.statusCode());
        assertEquals("bytes 1000-1999/" + KERNEL.length, mid.headers().firstValue("content-range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(KERNEL, 1000, 2000), mid.body());

        HttpResponse<byte[]> tail = Clients.get(kernel(), "Range", "bytes=-100");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(KERNEL, KERNEL.length - 100, KERNEL.length), tail.body());

        HttpResponse<byte[]> open = Clients.get(kernel(), "Range", "bytes=" + (KERNEL.length - 10) + "-");
        assertArrayEquals(Arrays.copyOfRange(KERNEL, KERNEL.length - 10, KERNEL.length), open.body());

        HttpResponse<byte[]> multi = Clients.get(kernel(), "Range", "bytes=0-1,5-6");
        assertEquals(200, multi.statusCode(), "several ranges are answered with the whole image");
        assertArrayEquals(KERNEL, multi.body());

        HttpResponse<byte[]> past = Clients.get(kernel(), "Range", "bytes=" + KERNEL.length + "-");
        assertEquals(416, past.statusCode());
        assertEquals("bytes */" + KERNEL.length, past.headers().firstValue("content-range").orElse(""));
        assertTrue(new String(past.body()).contains("\"error\""));

        HttpResponse<byte[]> same = Clients.get(kernel(), "If-None-Match", "\"v1\"");
        assertEquals(304, same.statusCode());
        assertEquals(0, same.body().length);
        assertEquals(1, upstream.requests("/vmlinuz"), "everything after the first GET came from the cache");

        String timeline = server.get("/api/1.0/hosts/h/events").body();
        assertTrue(timeline.contains("\"kernel served\"") && timeline.contains("\"cache\":\"hit\""), timeline);
    }

    @Test
    void rangesAndHeadWorkWhileTheDownloadIsUnderWay() throws Exception {
        CountDownLatch gate = upstream.gate("/vmlinuz", 1 << 20);
        HttpResponse<Void> head = Clients.head(kernel());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(KERNEL.length), head.headers().firstValue("content-length").orElse(""),
                "the upstream's length is passed on before the body is in");

        HttpResponse<byte[]> early = Clients.get(kernel(), "Range", "bytes=10-99");
        assertEquals(206, early.statusCode());
        assertArrayEquals(Arrays.copyOfRange(KERNEL, 10, 100), early.body(), "bytes already landed are served at once");

        CompletableFuture<HttpResponse<byte[]>> late = CompletableFuture.supplyAsync(() -> {
            try {
                return Clients.get(kernel(), "Range", "bytes=2000000-2000099");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertTrue(!late.isDone(), "a range beyond what has landed waits for it");
        gate.countDown();
        HttpResponse<byte[]> r = late.get(20, TimeUnit.SECONDS);
        assertEquals(206, r.statusCode());
        assertArrayEquals(Arrays.copyOfRange(KERNEL, 2_000_000, 2_000_100), r.body());
        assertEquals(1, upstream.requests("/vmlinuz"));
    }

    @Test
    void anUpstreamWithoutLengthIsStreamedChunkedThenServedWithItsLength() throws Exception {
        upstream.putChunked("/nolength", KERNEL);
        server.json("POST", "/api/1.0/hosts/n", "{\"kernel\": \"" + upstream.url("/nolength") + "\"}");
        String url = server.url() + "/ipxe/kernel/n";
        HttpResponse<byte[]> first = Clients.get(url);
        assertEquals(200, first.statusCode());
        assertArrayEquals(KERNEL, first.body());
        HttpResponse<byte[]> second = Clients.get(url, "Range", "bytes=0-9");
        assertEquals(206, second.statusCode(), "once complete, the length is known and ranges work");
        assertEquals("bytes 0-9/" + KERNEL.length, second.headers().firstValue("content-range").orElse(""));
        assertEquals(1, upstream.requests("/nolength"));
    }
}
