package org.bergenholm.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between one client and the server that drops a fraction of datagrams in both
 * directions. It follows the server's transfer port: the first reply's source becomes the
 * destination of everything the client sends afterwards. Replies reach the client from a
 * second port, as a classic server's would (commons-net rejects replies from the request port).
 */
final class LossyRelay implements AutoCloseable {
    private final DatagramSocket clientSide;
    private final DatagramSocket clientTid;
    private final DatagramSocket serverSide;
    private final Random random;
    private final double dropRate;
    final AtomicInteger dropped = new AtomicInteger();
    private volatile SocketAddress client;
    private final SocketAddress listening;
    private volatile SocketAddress server;

    LossyRelay(int serverPort, double dropRate, long seed) throws IOException {
        this.clientSide = new DatagramSocket(new InetSocketAddress(TftpFixture.LOCALHOST, 0));
        this.clientTid = new DatagramSocket(new InetSocketAddress(TftpFixture.LOCALHOST, 0));
        this.serverSide = new DatagramSocket(new InetSocketAddress(TftpFixture.LOCALHOST, 0));
        this.listening = new InetSocketAddress(TftpFixture.LOCALHOST, serverPort);
        this.server = listening;
        this.random = new Random(seed);
        this.dropRate = dropRate;
        start("relay-request", clientSide, true);
        start("relay-to-server", clientTid, true);
        start("relay-to-client", serverSide, false);
    }

    int port() {
        return clientSide.getLocalPort();
    }

    private void start(String name, DatagramSocket in, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            while (!in.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    in.receive(p);
                    if (fromClient) {
                        client = p.getSocketAddress();
                    } else {
                        server = p.getSocketAddress();
                    }
                    if (drop()) {
                        continue;
                    }
                    // Requests go to the listening port; ACKs to the transfer's port.
                    SocketAddress to = in == clientSide ? listening : fromClient ? server : client;
                    (fromClient ? serverSide : clientTid).send(new DatagramPacket(p.getData(), p.getLength(), to));
                } catch (IOException e) {
                    return;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private boolean drop() {
        synchronized (random) {
            if (random.nextDouble() < dropRate) {
                dropped.incrementAndGet();
                return true;
            }
            return false;
        }
    }

    @Override
    public void close() {
        clientSide.close();
        clientTid.close();
        serverSide.close();
    }
}
