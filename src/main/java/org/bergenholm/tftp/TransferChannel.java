package org.bergenholm.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** How one transfer talks to its client: its own socket (classic TID) or the shared listening port. */
interface TransferChannel extends AutoCloseable {
    void send(DatagramPacket packet) throws IOException;

    /** Next packet from anyone on this channel, or null after timeoutMillis. */
    DatagramPacket receive(int timeoutMillis) throws IOException;

    /** True when packets arriving on this channel may come from strangers (classic mode). */
    boolean ownPort();

    @Override
    void close();

    /**
     * RFC 1350: each transfer gets a fresh ephemeral port, its transfer id. A non-blocking
     * channel with its own selector: DatagramSocket's timed receive switches the socket between
     * blocking and non-blocking around every call, four fcntl calls per block (strace showed
     * them outnumbering sends and receives together).
     */
    final class OwnSocket implements TransferChannel {
        private final DatagramChannel channel;
        private final Selector selector;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(65536);

        private OwnSocket(DatagramChannel channel, Selector selector) {
            this.channel = channel;
            this.selector = selector;
        }

        static OwnSocket open(InetAddress local) throws IOException {
            DatagramChannel channel = DatagramChannel.open();
            try {
                channel.bind(new InetSocketAddress(local, 0));
                channel.configureBlocking(false);
                Selector selector = Selector.open();
                channel.register(selector, SelectionKey.OP_READ);
                return new OwnSocket(channel, selector);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        public void send(DatagramPacket packet) throws IOException {
            // A full send buffer drops the datagram (send returns 0), as the network may: retransmission covers it.
            channel.send(ByteBuffer.wrap(packet.getData(), packet.getOffset(), packet.getLength()), packet.getSocketAddress());
        }

        @Override
        public DatagramPacket receive(int timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + Math.max(1, timeoutMillis) * 1_000_000L;
            while (true) {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                if (from != null) {
                    buf.flip();
                    byte[] data = new byte[buf.remaining()];
                    buf.get(data);
                    return new DatagramPacket(data, data.length, from);
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (!channel.isOpen()) {
                    throw new java.nio.channels.ClosedChannelException();
                }
            }
        }

        @Override
        public boolean ownPort() {
            return true;
        }

        @Override
        public void close() {
            try {
                selector.close();
                channel.close();
            } catch (IOException ignored) {
                // Closing a UDP channel has nothing left to flush.
            }
        }
    }

    /** Single-port mode: the listener hands this transfer's packets over through a queue. */
    final class Shared implements TransferChannel {
        private final DatagramSocket listening;
        private final BlockingQueue<DatagramPacket> inbox = new LinkedBlockingQueue<>(256);
        private final Runnable onClose;

        Shared(DatagramSocket listening, Runnable onClose) {
            this.listening = listening;
            this.onClose = onClose;
        }

        void deliver(DatagramPacket packet) {
            inbox.offer(packet); // a full inbox drops, as a full socket buffer would
        }

        @Override
        public void send(DatagramPacket packet) throws IOException {
            listening.send(packet);
        }

        @Override
        public DatagramPacket receive(int timeoutMillis) throws IOException {
            try {
                return inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("server closing");
            }
        }

        @Override
        public boolean ownPort() {
            return false;
        }

        @Override
        public void close() {
            onClose.run();
        }
    }
}
