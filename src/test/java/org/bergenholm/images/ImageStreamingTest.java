package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** `/ipxe/kernel` and `/ipxe/module|initrd` stream the host's URLs with the upstream's length and type. */
class ImageStreamingTest {
    @Test
    void streamsKernelAndModulesFromTheUpstream() throws Exception {
        byte[] kernel = new byte[300_000];
        new Random(1).nextBytes(kernel);
        byte[] initrd = "initrd-one".getBytes();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            byte[] body = switch (ex.getRequestURI().getPath()) {
                case "/vmlinuz" -> kernel;
                case "/initrd1" -> initrd;
                default -> null;
            };
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.getResponseHeaders().add("Content-Type", "application/x-test");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
        try (TestServer server = TestServer.start()) {
            server.json("POST", "/api/1.0/hosts/h", "{\"kernel\": \"" + base + "/vmlinuz\", \"module\": \"" + base
                    + "/missing\", \"module1\": \"" + base + "/initrd1\"}");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> k = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/ipxe/kernel/h")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, k.statusCode());
            assertTrue(Arrays.equals(kernel, k.body()));
            assertEquals(String.valueOf(kernel.length), k.headers().firstValue("content-length").orElse(""));
            assertEquals("application/x-test", k.headers().firstValue("content-type").orElse(""));
            assertEquals("initrd-one", server.get("/ipxe/initrd/h/1").body());
            assertEquals(502, server.get("/ipxe/module/h").status(), "module0 falls back to module, whose upstream is 404");
            assertEquals(404, server.get("/ipxe/module/h/2").status(), "no module2");
            String timeline = server.get("/api/1.0/hosts/h/events").body();
            assertTrue(timeline.contains("kernel served") && timeline.contains("initrd 1 served"), timeline);
        } finally {
            upstream.stop(0);
        }
    }
}
