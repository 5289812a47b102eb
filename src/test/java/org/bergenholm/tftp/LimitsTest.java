package org.bergenholm.tftp;

import static org.bergenholm.tftp.TftpFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import org.bergenholm.testing.SocketMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over a limit the client gets an error packet at once instead of waiting for a timeout. */
class LimitsTest {
    @TempDir Path root;

    @Test
    void overTotalLimitGetsErrorPacket() throws Exception {
        byte[] file = randomFile(root, "f", 2000);
        try (TftpServer server = TftpFixture.start(root, config(false, 1, 8, 300, 1));
             DatagramSocket holder = clientSocket();
             DatagramSocket second = clientSocket()) {
            send(holder, server.port(), rrq("f", "octet"));
            assertEquals(3, opcode(receive(holder)), "first transfer starts; we never ACK it");
            send(second, server.port(), rrq("f", "octet"));
            assertEquals(0, errorCode(receive(second)));
            // After the stalled transfer gives up (300 + 600 ms), the slot is free again.
            Thread.sleep(1300);
            assertArrayEquals(file, LockStepClient.fetch(server.port(), "f").data());
        }
    }

    @Test
    void overPerClientLimitGetsErrorPacket() throws Exception {
        randomFile(root, "f", 2000);
        try (TftpServer server = TftpFixture.start(root, config(false, 256, 2, 1000, 1));
             DatagramSocket a = clientSocket(); DatagramSocket b = clientSocket(); DatagramSocket c = clientSocket()) {
            send(a, server.port(), rrq("f", "octet"));
            assertEquals(3, opcode(receive(a)));
            send(b, server.port(), rrq("f", "octet"));
            assertEquals(3, opcode(receive(b)));
            send(c, server.port(), rrq("f", "octet"));
            assertEquals(0, errorCode(receive(c)), "third transfer from 127.0.0.1 exceeds the cap of 2");
        }
    }

    /** A transfer that ends frees its place whichever of the running ones it was: first, middle or last started. */
    @Test
    void transfersEndingInAnyOrderFreeTheirPlaces() throws Exception {
        randomFile(root, "small", 400);
        try (TftpServer server = TftpFixture.start(root, config(false, 3, 8, 5000, 1));
             DatagramSocket a = clientSocket(); DatagramSocket b = clientSocket(); DatagramSocket c = clientSocket();
             DatagramSocket d = clientSocket(); DatagramSocket e = clientSocket()) {
            DatagramPacket[] first = new DatagramPacket[5];
            DatagramSocket[] clients = {a, b, c, d, e};
            for (int i = 0; i < 3; i++) {
                send(clients[i], server.port(), rrq("small", "octet"));
                first[i] = receive(clients[i]);
                assertEquals(3, opcode(first[i]), "transfer " + i + " starts");
            }
            send(d, server.port(), rrq("small", "octet"));
            assertEquals(0, errorCode(receive(d)), "three running: the limit");
            for (int[] order : new int[][] {{1, 3}, {0, 4}}) { // the middle one ends, then the first
                DatagramSocket ending = clients[order[0]];
                ending.send(new DatagramPacket(ack(1), 4, first[order[0]].getSocketAddress()));
                DatagramSocket next = clients[order[1]];
                long deadline = System.nanoTime() + 2_000_000_000L;
                int op;
                do { // the ACK and the next request race; a refusal before the ACK is read is retried
                    send(next, server.port(), rrq("small", "octet"));
                    first[order[1]] = receive(next);
                    op = opcode(first[order[1]]);
                } while (op != 3 && System.nanoTime() < deadline);
                assertEquals(3, op, "transfer " + order[1] + " starts in the place transfer " + order[0] + " left");
            }
        }
    }

    /** A storm's requests wait in the kernel instead of being dropped: the listening socket's buffer, read back with ss(8). */
    @Test
    void warnsOnlyWhenRmemMaxCapsTheRequestBuffer() {
        assertTrue(TftpServer.requestBufferWarning(TftpServer.REQUEST_BUFFER).isEmpty(),
                "Java reports the size asked for (Linux doubles it): a buffer of REQUEST_BUFFER was not capped");
        String warning = TftpServer.requestBufferWarning(212_992).orElseThrow();
        assertTrue(warning.contains("at 212992 bytes") && warning.contains("sysctl -w net.core.rmem_max=" + TftpServer.REQUEST_BUFFER), warning);
    }

    @Test
    void requestSocketHasTheLargeReceiveBuffer() throws Exception {
        try (TftpServer server = TftpFixture.start(root, config(false, 8, 8, 1000, 1))) {
            long buffer = SocketMemory.field("rb", "-uan", "( sport = :" + server.port() + " )");
            // Linux doubles what SO_RCVBUF asks for, up to twice net.core.rmem_max.
            assertEquals(2 * Math.min(TftpServer.REQUEST_BUFFER, SocketMemory.netCore("rmem_max")), buffer);
        }
    }
}
