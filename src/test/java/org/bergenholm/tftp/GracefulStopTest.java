package org.bergenholm.tftp;

import static org.bergenholm.tftp.TftpFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real `bergenholm serve`: a transfer in flight finishes, a new one is refused at
 * once, the process exits, and a restart on the same data directory has every event.
 */
class GracefulStopTest {
    @TempDir Path tmp;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process serve(int http, int tftp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "org.bergenholm.cli.Main",
                "serve", "--dhcp", "off", "--listen", "127.0.0.1", "--http-port", "" + http, "--tftp-port", "" + tftp,
                "--boot-assets", tmp.resolve("assets").toString(), "--data-dir", tmp.resolve("data").toString(), "--seed", "none"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("serve.log").toFile())).start();
    }

    /** As the appliance's administrator: `serve` has authentication on and writes the admin token on first start. */
    private int http(String method, String url, String body) throws Exception {
        for (int i = 0; ; i++) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setRequestMethod(method);
                Path token = tmp.resolve("data").resolve("admin.token");
                if (Files.exists(token)) {
                    c.setRequestProperty("Authorization", "Bearer " + Files.readString(token).strip());
                }
                if (body != null) {
                    c.setDoOutput(true);
                    c.setRequestProperty("Content-Type", "application/json");
                    c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
                }
                return c.getResponseCode();
            } catch (java.net.ConnectException e) {
                if (i > 150) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Reads {@code name} in lock-step, pausing before each ACK: a slow client, about 2 s in all. */
    private static byte[] slowFetch(int port, String name) throws Exception {
        try (DatagramSocket socket = clientSocket()) {
            send(socket, port, rrq(name, "octet"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int expected = 1; ; ) {
                DatagramPacket p = receive(socket);
                assertEquals(3, opcode(p), "DATA expected");
                int block = ((p.getData()[2] & 0xff) << 8) | (p.getData()[3] & 0xff);
                if (block == expected) {
                    out.write(p.getData(), 4, p.getLength() - 4);
                    expected++;
                }
                Thread.sleep(10);
                socket.send(new DatagramPacket(ack(block), 4, p.getSocketAddress()));
                if (p.getLength() - 4 < 512) {
                    return out.toByteArray();
                }
            }
        }
    }

    @Test
    void sigtermLetsTransfersFinishAndLosesNothing() throws Exception {
        Files.createDirectories(tmp.resolve("assets"));
        byte[] file = randomFile(tmp.resolve("assets"), "undionly.kpxe", 100_000);
        int httpPort = freePort();
        int tftpPort = freePort();
        String api = "http://127.0.0.1:" + httpPort + "/api/1.0";
        Process first = serve(httpPort, tftpPort);
        try {
            assertEquals(201, http("POST", api + "/hosts/h1", "{\"ipaddr\": \"127.0.0.1\"}"));
            CompletableFuture<byte[]> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return slowFetch(tftpPort, "undionly.kpxe");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(500);
            first.destroy(); // SIGTERM
            Thread.sleep(500);
            try (DatagramSocket late = clientSocket()) {
                send(late, tftpPort, rrq("undionly.kpxe", "octet"));
                DatagramPacket refused = receive(late);
                assertEquals(5, opcode(refused), "a new transfer gets an error, not silence");
                assertTrue(new String(refused.getData(), 4, refused.getLength() - 5, StandardCharsets.US_ASCII).contains("shutting down"));
            }
            assertEquals(sha256(file), sha256(inFlight.get(20, TimeUnit.SECONDS)));
            assertTrue(first.waitFor(25, TimeUnit.SECONDS), "the process must exit after draining");
        } finally {
            first.destroyForcibly();
        }
        String log = Files.readString(tmp.resolve("serve.log"));
        assertTrue(log.contains("stopped"), log);

        Process second = serve(httpPort, tftpPort);
        try {
            assertEquals(200, http("GET", api + "/hosts/h1", null), "restart on the same data directory");
            HttpURLConnection c = (HttpURLConnection) URI.create(api + "/hosts/h1/events").toURL().openConnection();
            c.setRequestProperty("Authorization", "Bearer " + Files.readString(tmp.resolve("data").resolve("admin.token")).strip());
            String events = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(events.contains("tftp served undionly.kpxe") && events.contains("\"bytes\":100000"), events);
        } finally {
            second.destroy();
            second.waitFor(25, TimeUnit.SECONDS);
        }
    }
}
