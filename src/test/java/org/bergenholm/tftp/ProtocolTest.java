package org.bergenholm.tftp;

import static org.bergenholm.tftp.TftpFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wire-level behaviour checked packet by packet with a raw socket. */
class ProtocolTest {
    @TempDir Path root;
    private TftpServer server;
    private byte[] file;
    private DatagramSocket socket;

    @BeforeEach
    void start() throws Exception {
        file = randomFile(root, "f", 10_000);
        server = TftpFixture.start(root, config(false, 256, 8, 100, 3));
        socket = clientSocket();
    }

    @AfterEach
    void stop() {
        socket.close();
        server.close();
    }

    private DatagramPacket request(String... options) throws Exception {
        send(socket, server.port(), rrq("f", "octet", options));
        return receive(socket);
    }

    private static int block(DatagramPacket p) {
        return ((p.getData()[2] & 0xff) << 8) | (p.getData()[3] & 0xff);
    }

    private static List<String> oackFields(DatagramPacket p) {
        assertEquals(6, opcode(p), "expected OACK");
        return List.of(new String(p.getData(), 2, p.getLength() - 3, StandardCharsets.US_ASCII).split("\0"));
    }

    private void reply(DatagramPacket to, byte[] bytes) throws Exception {
        socket.send(new DatagramPacket(bytes, bytes.length, to.getSocketAddress()));
    }

    @Test
    void withoutOptionsDataStartsAtOnce() throws Exception {
        DatagramPacket first = request();
        assertEquals(3, opcode(first));
        assertEquals(1, block(first));
        assertEquals(4 + 512, first.getLength());
    }

    @Test
    void unknownOrInvalidOptionsAloneGiveNoOack() throws Exception {
        DatagramPacket first = request("colour", "blue", "blksize", "7");
        assertEquals(3, opcode(first), "no option was accepted, so no OACK");
        assertEquals(4 + 512, first.getLength());
    }

    @Test
    void oackEchoesAcceptedOptionsAndWindowFollowsAckZero() throws Exception {
        DatagramPacket oack = request("blksize", "1024", "tsize", "0", "timeout", "2", "windowsize", "4", "x", "y");
        assertEquals(List.of("blksize", "1024", "tsize", "10000", "timeout", "2", "windowsize", "4"), oackFields(oack));
        reply(oack, ack(0));
        for (int expected = 1; expected <= 4; expected++) {
            DatagramPacket data = receive(socket);
            assertEquals(expected, block(data));
            assertEquals(4 + 1024, data.getLength());
        }
    }

    @Test
    void blksizeAboveMaximumIsLowered() throws Exception {
        assertEquals(List.of("blksize", "65464"), oackFields(request("blksize", "70000")));
    }

    @Test
    void clientErrorAfterTsizeEndsQuietly() throws Exception {
        DatagramPacket oack = request("tsize", "0");
        assertEquals(List.of("tsize", "10000"), oackFields(oack));
        reply(oack, new byte[] {0, 5, 0, 0, 'u', 's', 'e', 'r', ' ', 'a', 'b', 'o', 'r', 't', 'e', 'd', 0});
        socket.setSoTimeout(400); // the OACK would be resent after 100 ms if the transfer lived on
        assertThrows(SocketTimeoutException.class, () -> receive(socket));
        assertEquals(0, server.counters().errors().get());
        assertEquals(0, server.counters().retransmits().get());
        assertArrayEquals(file, LockStepClient.fetch(server.port(), "f", "tsize", "0").data());
    }

    @Test
    void duplicateAckDoesNotTriggerResend() throws Exception {
        server.close();
        server = TftpFixture.start(root, config(false, 256, 8, 2000, 3));
        DatagramPacket one = request();
        reply(one, ack(1));
        assertEquals(2, block(receive(socket)));
        reply(one, ack(1)); // stale: answering it would double the traffic (Sorcerer's Apprentice)
        socket.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, () -> receive(socket));
        reply(one, ack(2));
        assertEquals(3, block(receive(socket)));
    }

    @Test
    void retransmitsWithBackoffThenGivesUp() throws Exception {
        request();
        List<Long> arrivals = new ArrayList<>();
        socket.setSoTimeout(1500);
        long start = System.nanoTime();
        try {
            while (true) {
                DatagramPacket p = receive(socket);
                assertEquals(1, block(p));
                arrivals.add((System.nanoTime() - start) / 1_000_000);
            }
        } catch (SocketTimeoutException expected) {
            // the server gave up
        }
        assertEquals(3, arrivals.size(), "exactly 3 retries: " + arrivals);
        long firstGap = arrivals.get(0);
        long lastGap = arrivals.get(2) - arrivals.get(1);
        assertTrue(lastGap >= 3 * firstGap, "delays must grow: " + arrivals);
        assertEquals(3, server.counters().retransmits().get());
    }

    @Test
    void netasciiConvertsLineEnds() throws Exception {
        Files.write(root.resolve("t.txt"), "a\nb\rc".getBytes(StandardCharsets.US_ASCII));
        send(socket, server.port(), rrq("t.txt", "netascii"));
        DatagramPacket data = receive(socket);
        byte[] body = java.util.Arrays.copyOfRange(data.getData(), 4, data.getLength());
        assertArrayEquals(new byte[] {'a', '\r', '\n', 'b', '\r', 0, 'c'}, body);
    }

    @Test
    void blockNumbersWrapPast65535() throws Exception {
        byte[] big = randomFile(root, "big", 70_000 * 8 + 3);
        server.close();
        server = TftpFixture.start(root, config(false, 256, 8, 1000, 3));
        assertArrayEquals(big, LockStepClient.fetch(server.port(), "big", "blksize", "8").data());
    }
}
