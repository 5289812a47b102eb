package org.bergenholm.tftp;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.commons.net.tftp.TFTPErrorPacket;

/**
 * Outgoing packet encoding. DATA is built here because commons-net's TFTPDataPacket caps data
 * at 512 bytes (no blksize), and commons-net 3.11 has no OACK packet at all.
 */
final class Packets {
    static final int RRQ = 1, WRQ = 2, DATA = 3, ACK = 4, ERROR = 5, OACK = 6;

    private Packets() { }

    /** Fills {@code into} with one DATA packet, copying the block straight from the file: one copy per block. */
    static ByteBuffer data(ByteBuffer into, long block, byte[] file, int offset, int length) {
        into.clear();
        into.put((byte) 0).put((byte) DATA).put((byte) (block >>> 8)).put((byte) block);
        into.put(file, offset, length);
        return into.flip();
    }

    static ByteBuffer oack(Map<String, String> options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(OACK);
        options.forEach((name, value) -> {
            out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
            out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        });
        return ByteBuffer.wrap(out.toByteArray());
    }

    static ByteBuffer error(InetSocketAddress to, int code, String message) {
        DatagramPacket packet = new TFTPErrorPacket(to.getAddress(), to.getPort(), code, message).newDatagram();
        return ByteBuffer.wrap(packet.getData(), packet.getOffset(), packet.getLength());
    }

    static int opcode(byte[] b) {
        return b.length < 2 ? -1 : ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    }

    static int opcode(DatagramPacket packet) {
        if (packet.getLength() < 2) {
            return -1;
        }
        byte[] b = packet.getData();
        return ((b[packet.getOffset()] & 0xff) << 8) | (b[packet.getOffset() + 1] & 0xff);
    }
}
