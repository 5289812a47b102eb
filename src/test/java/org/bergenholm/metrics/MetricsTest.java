package org.bergenholm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `/metrics` speaks Prometheus text and its counters move with real traffic. */
class MetricsTest {
    @TempDir Path assets;

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void httpTftpAndDatabaseCountersMove() throws Exception {
        Files.write(assets.resolve("undionly.kpxe"), new byte[70_000]);
        try (TestServer server = TestServer.startWithTftp(assets)) {
            var metrics = server.get("/metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.contentType().startsWith("text/plain; version=0.0.4"));
            String before = metrics.body();

            String hostCreated = "bergenholm_http_requests_seconds_count{method=\"POST\",route=\"api/hosts\",status=\"201\"}";
            String notFound = "bergenholm_http_requests_seconds_count{method=\"GET\",route=\"api/hosts\",status=\"404\"}";
            assertEquals(201, server.json("POST", "/api/1.0/hosts/m1", "{\"a\": 1}").status());
            assertEquals(404, server.get("/api/1.0/hosts/nobody").status());
            assertEquals(404, server.get("/api/1.0/hosts/nobody2").status());

            TFTPClient client = new TFTPClient();
            client.open();
            try {
                client.receiveFile("undionly.kpxe", TFTP.BINARY_MODE, new ByteArrayOutputStream(),
                        InetAddress.getLoopbackAddress(), server.tftpPort());
            } finally {
                client.close();
            }
            String after = "";
            for (int i = 0; i < 50 && value(after, "bergenholm_tftp_transfers_total") < 1; i++) {
                Thread.sleep(50);
                after = server.get("/metrics").body();
            }
            assertEquals(1, value(after, hostCreated) - value(before, hostCreated), after);
            assertEquals(2, value(after, notFound) - value(before, notFound), after);
            assertEquals(1, value(after, "bergenholm_tftp_transfers_total"));
            assertEquals(70_000, value(after, "bergenholm_tftp_bytes_total"));
            assertTrue(after.contains("bergenholm_http_requests_seconds_bucket{method=\"GET\",route=\"api/hosts\",status=\"404\",le="),
                    "latency histogram");
            assertTrue(value(after, "bergenholm_db_commands_seconds_count{command=\"insert\"}") >= 1, after);
            assertTrue(!after.contains("nobody"), "ids never become labels");
        }
    }

    @Test
    void powerAndImageCountersMove() throws Exception {
        com.sun.net.httpserver.HttpServer upstream = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] kernel = new byte[123_456];
        upstream.createContext("/vmlinuz", exchange -> {
            exchange.sendResponseHeaders(200, kernel.length);
            exchange.getResponseBody().write(kernel);
            exchange.close();
        });
        upstream.start();
        try (TestServer server = TestServer.start()) {
            String kernelUrl = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/vmlinuz";
            assertEquals(201, server.json("POST", "/api/1.0/hosts/m2",
                    "{\"power_driver\": \"dummy\", \"kernel\": \"" + kernelUrl + "\"}").status());
            assertEquals(202, server.json("PUT", "/api/1.0/power/m2", "{\"power\": \"on\"}").status());
            assertEquals(200, server.get("/ipxe/kernel/m2").status());
            assertEquals(200, server.get("/ipxe/kernel/m2").status());
            String after = server.get("/metrics").body();
            assertEquals(1, value(after, "bergenholm_power_operations_total{driver=\"dummy\",operation=\"on\",result=\"ok\"}"), after);
            assertEquals(1, value(after, "bergenholm_images_requests_total{cache=\"miss\"}"), after);
            assertEquals(1, value(after, "bergenholm_images_requests_total{cache=\"hit\"}"), after);
            assertEquals(2 * 123_456, value(after, "bergenholm_images_bytes_total"), after);
            assertTrue(after.contains("bergenholm_images_evictions_total 0.0"), after);
        } finally {
            upstream.stop(0);
        }
    }
}
