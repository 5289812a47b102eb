package org.bergenholm.tftp;

import static org.bergenholm.tftp.TftpFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With 10% of datagrams lost each way, retransmission must still deliver the exact file. */
class LossyPathTest {
    @TempDir Path root;

    @Test
    void transfersCompleteThroughLossyRelay() throws Exception {
        byte[] file = randomFile(root, "ipxe.efi", 100_000); // ~196 blocks, so ~40 losses
        try (TftpServer server = TftpFixture.start(root, config(false, 256, 8, 100, 8))) {
            int dropped = 0;
            for (int i = 0; i < 2; i++) {
                // A relay per transfer: the first transfer's server may still be resending its last
                // block (its final ACK lost) and a shared relay would follow that stale port.
                try (LossyRelay relay = new LossyRelay(server.port(), 0.10, 42 + i)) {
                    TFTPClient client = new TFTPClient();
                    client.setDefaultTimeout(Duration.ofMillis(150));
                    client.setMaxTimeouts(100); // 15 s of patience: the server backs off exponentially
                    client.open();
                    try {
                        ByteArrayOutputStream received = new ByteArrayOutputStream();
                        client.receiveFile("ipxe.efi", TFTP.BINARY_MODE, received, LOCALHOST, relay.port());
                        assertEquals(sha256(file), sha256(received.toByteArray()));
                    } finally {
                        client.close();
                    }
                    dropped += relay.dropped.get();
                }
            }
            assertTrue(dropped > 10, "the relay must actually have dropped packets");
            assertTrue(server.counters().retransmits().get() > 0, "server must have retransmitted");
        }
    }

    @Test
    void windowedTransferRecoversFromLossWithAtftp(@TempDir Path out) throws Exception {
        byte[] file = randomFile(root, "snponly.efi", 300_000); // 210 blocks of 1432 in 14 windows
        try (TftpServer server = TftpFixture.start(root, config(false, 256, 8, 100, 8));
             LossyRelay relay = new LossyRelay(server.port(), 0.10, 7)) {
            Path result = out.resolve("snponly.efi");
            long started = System.nanoTime();
            run("atftp", java.util.List.of("atftp", "--option", "blksize 1432", "--option", "windowsize 16",
                    "-g", "-r", "snponly.efi", "-l", result.toString(), "127.0.0.1", Integer.toString(relay.port())));
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertEquals(sha256(file), sha256(java.nio.file.Files.readAllBytes(result)));
            assertTrue(relay.dropped.get() > 10, "the relay must actually have dropped packets");
            assertTrue(seconds < 30, "a lost block must be resent promptly, took " + seconds + " s");
        }
    }
}
