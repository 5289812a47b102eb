package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a known machine asks for while booting (its script, rendered ahead, and images the cache
 * holds) is answered from memory on the connection's I/O thread, not by Undertow's workers: it
 * is answered while every worker waits on something else.
 */
class BootWhileWorkersBusyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Undertow's default: eight workers per I/O thread, one I/O thread per core (at least two). */
    private static final int WORKERS = Math.max(Runtime.getRuntime().availableProcessors(), 2) * 8;
    @TempDir Path data;
    private static DatagramSocket silentBmc;

    @BeforeAll
    static void openSilentBmc() throws Exception {
        silentBmc = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void closeSilentBmc() {
        silentBmc.close();
    }

    private static HttpResponse<byte[]> get(String url, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Power status queries to BMCs that never answer: each holds the worker that asked until the
     * power timeout (10 s). What the worker waits on is a real UDP socket that drops everything.
     */
    private static List<CompletableFuture<HttpResponse<byte[]>>> silentBmcQueries(TestServer server, int count) throws Exception {
        List<CompletableFuture<HttpResponse<byte[]>>> queries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            assertEquals(201, server.json("POST", "/api/1.0/hosts/bmc" + i, "{\"power_driver\": \"ipmi\", \"ipmi_host\": \"127.0.0.1\","
                    + " \"ipmi_port\": " + silentBmc.getLocalPort() + ", \"ipmi_user\": \"admin\", \"ipmi_password\": \"secret\"}").status());
        }
        for (int i = 0; i < count; i++) {
            queries.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/power/bmc" + i)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        return queries;
    }

    /** True once an API request finds no worker; the queries reach the workers one by one, so it asks until then. */
    private static boolean apiWithoutWorkers(TestServer server) throws Exception {
        for (int i = 0; i < 20; i++) {
            try {
                get(server.apiUrl() + "/hosts/h1", Duration.ofMillis(500));
            } catch (HttpTimeoutException e) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void aKnownHostGetsItsScriptAndCachedImagesWhileEveryWorkerIsBusy() throws Exception {
        byte[] kernel = new byte[300_000];
        new Random(7).nextBytes(kernel);
        try (TestUpstream upstream = new TestUpstream(); TestServer server = TestServer.startWithImages(data, ImageCacheConfig.defaults())) {
            upstream.put("/vmlinuz", kernel);
            assertEquals(201, server.send("POST", "/api/1.0/templates/t.ipxe", "text/plain", "#!ipxe\nkernel {{ kernel }}\n").status());
            assertEquals(201, server.json("POST", "/api/1.0/hosts/h1",
                    "{\"ipxe_script\": \"t.ipxe\", \"kernel\": \"" + upstream.url("/vmlinuz") + "\"}").status());
            String script = "#!ipxe\nkernel " + upstream.url("/vmlinuz");
            assertEquals(script, server.get("/ipxe/script/h1").body());
            assertArrayEquals(kernel, get(server.url() + "/ipxe/kernel/h1", Duration.ofSeconds(10)).body(), "now in the cache");

            List<CompletableFuture<HttpResponse<byte[]>>> waiting = silentBmcQueries(server, WORKERS);
            try {
                assertTrue(apiWithoutWorkers(server), "the power queries hold every worker");
                assertEquals(script, new String(get(server.url() + "/ipxe/script/h1", Duration.ofSeconds(5)).body(), StandardCharsets.UTF_8));
                assertArrayEquals(kernel, get(server.url() + "/ipxe/kernel/h1", Duration.ofSeconds(5)).body());
                assertThrows(HttpTimeoutException.class, () -> get(server.url() + "/ipxe/script/nobody", Duration.ofSeconds(1)),
                        "an unknown machine's script is resolved from the register host by a worker");
            } finally {
                for (CompletableFuture<HttpResponse<byte[]>> query : waiting) {
                    assertEquals(504, query.get(30, TimeUnit.SECONDS).statusCode(), "the BMC never answered");
                }
            }
            assertEquals(200, get(server.apiUrl() + "/hosts/h1", Duration.ofSeconds(10)).statusCode(), "the workers are free again");
            assertEquals(1, upstream.requests("/vmlinuz"), "the image came from the cache");
        }
    }
}
