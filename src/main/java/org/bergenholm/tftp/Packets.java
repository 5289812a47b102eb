package org.bergenholm.tftp;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
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

    static DatagramPacket data(InetSocketAddress to, long block, byte[] file, int offset, int length) {
        byte[] buf = new byte[4 + length];
        buf[1] = DATA;
        buf[2] = (byte) (block >>> 8);
        buf[3] = (byte) block;
        System.arraycopy(file, offset, buf, 4, length);
        return new DatagramPacket(buf, buf.length, to);
    }

    static DatagramPacket oack(InetSocketAddress to, Map<String, String> options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(OACK);
        options.forEach((name, value) -> {
            out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
            out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        });
        byte[] buf = out.toByteArray();
        return new DatagramPacket(buf, buf.length, to);
    }

    static DatagramPacket error(InetSocketAddress to, int code, String message) {
        return new TFTPErrorPacket(to.getAddress(), to.getPort(), code, message).newDatagram();
    }

    static int opcode(DatagramPacket packet) {
        if (packet.getLength() < 2) {
            return -1;
        }
        byte[] b = packet.getData();
        return ((b[packet.getOffset()] & 0xff) << 8) | (b[packet.getOffset() + 1] & 0xff);
    }
}
