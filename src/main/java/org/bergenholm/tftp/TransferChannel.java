package org.bergenholm.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
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

    /** RFC 1350: each transfer gets a fresh ephemeral port, its transfer id. */
    final class OwnSocket implements TransferChannel {
        private final DatagramSocket socket;
        private final byte[] buf = new byte[65536];
        private int soTimeout = -1;

        OwnSocket(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public void send(DatagramPacket packet) throws IOException {
            socket.send(packet);
        }

        @Override
        public DatagramPacket receive(int timeoutMillis) throws IOException {
            int wanted = Math.max(1, timeoutMillis);
            if (Math.abs(wanted - soTimeout) > 5) { // skip a setsockopt per block for ms of drift
                socket.setSoTimeout(wanted);
                soTimeout = wanted;
            }
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
                return packet;
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        @Override
        public boolean ownPort() {
            return true;
        }

        @Override
        public void close() {
            socket.close();
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
