package org.bergenholm.tftp;

import static org.bergenholm.tftp.TftpFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Optional;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.bergenholm.inventory.HostLookup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TFTP clients fetch a file several blocks long; the bytes must match exactly. */
class RealClientsTest {
    @TempDir Path root;
    @TempDir Path out;
    private TftpServer server;
    private byte[] file;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // 300 KB: more than one 16-block window at 1432 bytes, and a short final block.
        file = randomFile(root, "boot/undionly.kpxe", 300_001);
        HostLookup hosts = new HostLookup() {
            public Optional<Map<String, Object>> resolve(String id) { return Optional.empty(); }
            public Optional<String> hostIdByMac(String mac) { return Optional.empty(); }
            public Optional<String> hostIdByAddress(String ip) {
                return ip.equals("127.0.0.1") ? Optional.of("host-1") : Optional.empty();
            }
        };
        server = TftpFixture.start(root, config(false, 256, 8, 1000, 5),
                (host, step, details) -> events.add(host + " " + step + " " + details.get("bytes")), hosts);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertSame(Path result) throws Exception {
        assertEquals(sha256(file), sha256(Files.readAllBytes(result)));
    }

    @Test
    void atftpWithBlksizeAndWindowsize() throws Exception {
        Path result = out.resolve("atftp.out");
        run("atftp", List.of("atftp", "--option", "blksize 1432", "--option", "windowsize 16",
                "-g", "-r", "boot/undionly.kpxe", "-l", result.toString(), "127.0.0.1", Integer.toString(server.port())));
        assertSame(result);
    }

    @Test
    void tftpHpaBinary() throws Exception {
        Path result = out.resolve("hpa.out");
        run("tftp-hpa", List.of("tftp", "127.0.0.1", Integer.toString(server.port()), "-m", "binary",
                "-c", "get", "/boot/undionly.kpxe", result.toString()));
        assertSame(result);
    }

    @Test
    void curlWithBlksize() throws Exception {
        Path result = out.resolve("curl.out");
        run("curl", List.of("curl", "-sS", "--max-time", "20", "-o", result.toString(), "--tftp-blksize", "1468",
                "tftp://127.0.0.1:" + server.port() + "/boot/undionly.kpxe"));
        assertSame(result);
    }

    @Test
    void commonsNetClientAndEventRecorded() throws Exception {
        TFTPClient client = new TFTPClient();
        client.open();
        try {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            client.receiveFile("boot/undionly.kpxe", TFTP.BINARY_MODE, received, LOCALHOST, server.port());
            assertEquals(sha256(file), sha256(received.toByteArray()));
        } finally {
            client.close();
        }
        long deadline = System.currentTimeMillis() + 2000;
        while (events.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("host-1 tftp served boot/undionly.kpxe 300001"), events);
        assertEquals(1, server.counters().transfers().get());
    }

    @Test
    void singlePortModeRepliesFromListeningPort() throws Exception {
        try (TftpServer single = TftpFixture.start(root, config(true, 256, 8, 1000, 5))) {
            LockStepClient result = LockStepClient.fetch(single.port(), "boot/undionly.kpxe", "blksize", "1400");
            assertEquals(sha256(file), sha256(result.data()));
            assertEquals(single.port(), ((java.net.InetSocketAddress) result.replyFrom()).getPort());
        }
    }
}
