package org.bergenholm.tftp;

import static org.bergenholm.tftp.TftpFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketAddress;

/**
 * Minimal lock-step reader used where commons-net cannot go: commons-net's TFTPClient rejects
 * replies from the request port, which is exactly what single-port mode does.
 */
record LockStepClient(byte[] data, SocketAddress replyFrom) {

    static LockStepClient fetch(int port, String filename, String... options) throws IOException {
        try (DatagramSocket socket = clientSocket()) {
            send(socket, port, rrq(filename, "octet", options));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int blockSize = 512;
            int expected = 1;
            SocketAddress server = null;
            while (true) {
                DatagramPacket p = receive(socket);
                server = p.getSocketAddress();
                int op = opcode(p);
                if (op == 6) {
                    String[] fields = new String(p.getData(), 2, p.getLength() - 2,
                            java.nio.charset.StandardCharsets.US_ASCII).split("\0");
                    for (int i = 0; i + 1 < fields.length; i += 2) {
                        if (fields[i].equals("blksize")) {
                            blockSize = Integer.parseInt(fields[i + 1]);
                        }
                    }
                    socket.send(new DatagramPacket(ack(0), 4, server));
                    continue;
                }
                assertEquals(3, op, "expected DATA");
                int block = ((p.getData()[2] & 0xff) << 8) | (p.getData()[3] & 0xff);
                if (block == (expected & 0xffff)) {
                    out.write(p.getData(), 4, p.getLength() - 4);
                    expected++;
                }
                socket.send(new DatagramPacket(ack(block), 4, server));
                if (block == ((expected - 1) & 0xffff) && p.getLength() - 4 < blockSize) {
                    return new LockStepClient(out.toByteArray(), server);
                }
            }
        }
    }
}
