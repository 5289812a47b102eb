package org.bergenholm.tftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `serve` with TFTP on: the appliance serves the boot assets and records transfers on the host's timeline. */
class ApplianceTftpTest {
    @TempDir
    Path assets;

    @Test
    void servesBootAssetsAndRecordsTheTransfer() throws Exception {
        byte[] loader = new byte[100_000];
        new Random(7).nextBytes(loader);
        Files.write(assets.resolve("undionly.kpxe"), loader);
        try (TestServer server = TestServer.startWithTftp(assets)) {
            server.json("POST", "/api/1.0/hosts/lab1", "{\"ipaddr\": \"127.0.0.1\"}");
            TFTPClient client = new TFTPClient();
            client.setDefaultTimeout(java.time.Duration.ofSeconds(2));
            client.open();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                client.receiveFile("undionly.kpxe", TFTP.BINARY_MODE, got, InetAddress.getLoopbackAddress(), server.tftpPort());
            } finally {
                client.close();
            }
            assertArrayEquals(loader, got.toByteArray());
            assertTrue(server.get("/healthz").body().contains("\"tftp\":\"up\""));
            String timeline = "";
            for (int i = 0; i < 50 && !timeline.contains("tftp served undionly.kpxe"); i++) {
                Thread.sleep(100);
                timeline = server.get("/api/1.0/hosts/lab1/events").body();
            }
            assertTrue(timeline.contains("tftp served undionly.kpxe"), timeline);
            assertTrue(timeline.contains("\"bytes\":100000"), timeline);
        }
    }

    @Test
    void tftpPortTakenIsAClearStartupError() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            var config = new org.bergenholm.config.ApplianceConfig("127.0.0.1", 0,
                    TftpConfig.defaults().withPort(taken.getLocalPort()).withListenAddress(InetAddress.getLoopbackAddress()), "off", null,
                    "127.0.0.1", "http://127.0.0.1", null, Files.createTempDirectory(assets, "db"), assets, "none", 10);
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> new org.bergenholm.Appliance(config).close());
            assertTrue(e.getMessage().contains("cannot bind TFTP"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }
}
