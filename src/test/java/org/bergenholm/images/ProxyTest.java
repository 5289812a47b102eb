package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host's proxy_url: the cache's one upstream fetch goes through that HTTP proxy. */
class ProxyTest {
    @TempDir
    Path data;

    @Test
    void fetchesThroughTheHostsProxy() throws Exception {
        byte[] image = Clients.random(500_000, 21);
        List<String> relayed = new CopyOnWriteArrayList<>();
        // A forward proxy: requests arrive with absolute URIs and are relayed as they are.
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", ex -> {
            URI target = ex.getRequestURI();
            relayed.add(target.toString());
            try {
                HttpResponse<byte[]> r = Clients.HTTP.send(HttpRequest.newBuilder(target).build(), HttpResponse.BodyHandlers.ofByteArray());
                r.headers().firstValue("etag").ifPresent(v -> ex.getResponseHeaders().add("ETag", v));
                ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                ex.getResponseBody().write(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        proxy.start();
        try (TestUpstream upstream = new TestUpstream();
                TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            upstream.put("/vmlinuz", image);
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + upstream.url("/vmlinuz") + "\", \"proxy_url\": \"http://127.0.0.1:"
                    + proxy.getAddress().getPort() + "\"}");
            assertArrayEquals(image, Clients.get(server.url() + "/ipxe/kernel/h").body());
            assertArrayEquals(image, Clients.get(server.url() + "/ipxe/kernel/h").body());
            assertEquals(List.of(upstream.url("/vmlinuz")), relayed, "one fetch, through the proxy");
            assertEquals(1, upstream.requests("/vmlinuz"));
        } finally {
            proxy.stop(0);
        }
    }
}
