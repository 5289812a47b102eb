package org.bergenholm.tftp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A first packet from a new client, as TftpServer handles it: decoded to a read request, the
 * file resolved under the root, options negotiated and the OACK encoded. Every refusal is a
 * TftpException with a TFTP error code; nothing outside the root is ever resolved; negotiated
 * values stay inside the limits whatever the client asked for.
 */
class TftpFuzzTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 1069);
    private static Path base;
    private static Path root;
    private static Set<Path> served;

    @BeforeAll
    static void files() throws Exception {
        base = Files.createTempDirectory("tftp-fuzz").toRealPath();
        root = Files.createDirectories(base.resolve("root"));
        Files.write(root.resolve("undionly.kpxe"), new byte[] {1, 2, 3, '\n', 4});
        Files.createDirectories(root.resolve("efi"));
        Files.writeString(root.resolve("efi/snponly.efi"), "loader\n");
        Files.writeString(base.resolve("secret"), "outside the root");
        Files.createSymbolicLink(root.resolve("escape"), base.resolve("secret"));
        served = Set.of(root.resolve("undionly.kpxe"), root.resolve("efi/snponly.efi"));
    }

    @AfterAll
    static void clean() throws Exception {
        try (var files = Files.walk(base)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void readRequests(byte[] packet) throws Exception {
        ReadRequest request;
        Path file;
        try {
            request = TftpServer.readRequest(new DatagramPacket(packet, packet.length, CLIENT));
            file = BootAssets.resolve(root, request.filename());
        } catch (TftpException e) {
            assertTrue(e.code >= 0 && e.code <= 8, "a TFTP error code: " + e.code);
            return;
        }
        assertTrue(served.contains(file), "resolved only files inside the root: " + file);
        byte[] bytes = new FileCache().read(file, request.netascii());
        Negotiated n = Negotiated.from(request.options(), bytes.length, 3000);
        assertTrue(n.blockSize() >= 8 && n.blockSize() <= Negotiated.MAX_BLOCK_SIZE, "blksize " + n.blockSize());
        assertTrue(n.windowSize() >= 1 && n.windowSize() <= Negotiated.MAX_WINDOW, "windowsize " + n.windowSize());
        assertTrue(n.timeoutMillis() >= 1000 && n.timeoutMillis() <= 255_000, "timeout " + n.timeoutMillis());
        assertTrue(Packets.oack(n.accepted()).remaining() <= 512, "an OACK fits the smallest block");
        assertTrue(request.options().size() <= ReadRequest.MAX_OPTIONS, "options " + request.options().size());
    }
}
