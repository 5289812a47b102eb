import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** A lock-step RRQ as a PXE ROM makes it: one block in flight, the last packet resent after 1 s of silence. */
final class TftpClient {
    static final int BLKSIZE = 1432;

    record Result(long bytes, long crc) {}

    static Result get(String server, String file) throws Exception {
        try (DatagramSocket sock = new DatagramSocket(0)) {
            sock.setSoTimeout(1000);
            byte[] rrq = ("\0\1" + file + "\0octet\0blksize\0" + BLKSIZE + "\0tsize\0" + "0\0")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] last = rrq;
            SocketAddress dest = new InetSocketAddress(server, 69), peer = null;
            sock.send(new DatagramPacket(last, last.length, dest));
            byte[] buf = new byte[BLKSIZE + 4];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            CRC32C crc = new CRC32C();
            long size = 0;
            int expected = 1, tries = 0;
            while (true) {
                in.setLength(buf.length);
                try {
                    sock.receive(in);
                } catch (SocketTimeoutException e) {
                    if (++tries > 6) throw new StormFailure("TFTP timeout at block " + expected);
                    sock.send(new DatagramPacket(last, last.length, dest));
                    continue;
                }
                if (peer == null) {
                    peer = in.getSocketAddress();
                    dest = peer;
                } else if (!peer.equals(in.getSocketAddress())) {
                    continue;
                }
                int len = in.getLength();
                if (len < 4) continue;
                int op = ByteBuffer.wrap(buf, 0, 2).getShort() & 0xFFFF;
                if (op == 5) throw new StormFailure("TFTP error " + new String(buf, 4, Math.max(0, len - 5), StandardCharsets.ISO_8859_1));
                if (op == 6) {  // OACK: acknowledged with block 0
                    if (expected == 1) {
                        last = new byte[] {0, 4, 0, 0};
                        sock.send(new DatagramPacket(last, last.length, dest));
                        tries = 0;
                    }
                    continue;
                }
                if (op != 3) continue;
                int block = ByteBuffer.wrap(buf, 2, 2).getShort() & 0xFFFF;
                if (block == (expected & 0xFFFF)) {
                    crc.update(buf, 4, len - 4);
                    size += len - 4;
                    last = new byte[] {0, 4, buf[2], buf[3]};
                    sock.send(new DatagramPacket(last, last.length, dest));
                    tries = 0;
                    expected++;
                    if (len - 4 < BLKSIZE) return new Result(size, crc.getValue());
                } else if (block == ((expected - 1) & 0xFFFF)) {
                    sock.send(new DatagramPacket(last, last.length, dest));  // our ACK was lost: the server resent
                }
            }
        }
    }
}
