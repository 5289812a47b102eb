package org.bergenholm.dhcp;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.dhcp4java.DHCPPacket;

/** A client on loopback: sends to the server port, receives on the client port (broadcasts included). */
final class TestClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final int serverPort;

    TestClient(int clientPort, int serverPort) throws java.io.IOException {
        this.socket = new DatagramSocket(null);
        socket.setReuseAddress(true);
        socket.setBroadcast(true);
        socket.bind(new InetSocketAddress("0.0.0.0", clientPort));
        this.serverPort = serverPort;
    }

    void send(DHCPPacket p) throws java.io.IOException {
        send(p.serialize(), serverPort);
    }

    void send(byte[] raw, int port) throws java.io.IOException {
        socket.send(new DatagramPacket(raw, raw.length, new InetSocketAddress("127.0.0.1", port)));
    }

    /** The next reply with this xid, or null after {@code millis}. */
    DHCPPacket receive(int xid, int millis) throws java.io.IOException {
        long end = System.currentTimeMillis() + millis;
        byte[] buf = new byte[1500];
        while (System.currentTimeMillis() < end) {
            socket.setSoTimeout((int) Math.max(1, end - System.currentTimeMillis()));
            DatagramPacket dp = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(dp);
            } catch (SocketTimeoutException e) {
                return null;
            }
            DHCPPacket p = DHCPPacket.getPacket(dp.getData(), 0, dp.getLength(), true);
            if (p.getXid() == xid && p.getOp() == 2) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }

    static int freePort() throws java.io.IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
