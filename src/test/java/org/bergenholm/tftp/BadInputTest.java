package org.bergenholm.tftp;

import static org.bergenholm.tftp.TftpFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or broken requests get TFTP error packets, and the server keeps serving. */
class BadInputTest {
    @TempDir Path base;
    private Path root;
    private TftpServer server;
    private byte[] file;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(base.resolve("root"));
        Files.writeString(base.resolve("secret"), "outside the root");
        file = randomFile(root, "undionly.kpxe", 5000);
        server = TftpFixture.start(root, config(false, 256, 8, 200, 2));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int errorFor(byte[] request) throws Exception {
        try (DatagramSocket socket = clientSocket()) {
            send(socket, server.port(), request);
            return errorCode(receive(socket));
        }
    }

    private void normalTransferStillWorks() throws Exception {
        assertArrayEquals(file, LockStepClient.fetch(server.port(), "undionly.kpxe").data());
    }

    @Test
    void traversalIsRefused() throws Exception {
        assertEquals(2, errorFor(rrq("../secret", "octet")));
        assertEquals(2, errorFor(rrq("../../etc/passwd", "octet")));
        assertEquals(1, errorFor(rrq("/etc/passwd", "octet")), "leading / is stripped, so this is root/etc/passwd");
        assertEquals(1, errorFor(rrq("%2e%2e/secret", "octet")), "no URL decoding: a literal missing name");
        normalTransferStillWorks();
    }

    @Test
    void symlinkOutOfRootIsRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("escape"), base.resolve("secret"));
        assertEquals(2, errorFor(rrq("escape", "octet")));
    }

    @Test
    void malformedPacketsGetErrors() throws Exception {
        assertEquals(4, errorFor(new byte[] {0}));
        assertEquals(4, errorFor(new byte[] {0, 9, 1, 2}));
        assertEquals(4, errorFor(new byte[] {0, 1, 'a', 'b'}), "RRQ without terminators");
        assertEquals(4, errorFor(rrq("undionly.kpxe", "mail")));
        assertEquals(4, errorFor(rrq("undionly.kpxe", "octet", "blksize")), "option without value");
        normalTransferStillWorks();
    }

    @Test
    void hugeOptionListIsRefused() throws Exception {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            options.add("opt" + i);
            options.add("value" + i);
        }
        assertEquals(8, errorFor(rrq("undionly.kpxe", "octet", options.toArray(String[]::new))));
        normalTransferStillWorks();
    }

    @Test
    void writeRequestIsRefused() throws Exception {
        assertEquals(2, errorFor(request(2, "undionly.kpxe", "octet")));
        assertArrayEquals(file, Files.readAllBytes(root.resolve("undionly.kpxe")));
    }

    @Test
    void thousandRequestsFromOneSourceAreAllAnswered() throws Exception {
        try (DatagramSocket socket = clientSocket()) {
            for (int i = 0; i < 1000; i++) {
                send(socket, server.port(), rrq(i % 2 == 0 ? "missing" + i : "../x" + i, "octet"));
                int code = errorCode(receive(socket));
                assertEquals(i % 2 == 0 ? 1 : 2, code);
            }
        }
        assertEquals(1000, server.counters().errors().get());
        normalTransferStillWorks();
    }
}
