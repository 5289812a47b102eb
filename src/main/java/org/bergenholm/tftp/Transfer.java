package org.bergenholm.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import org.apache.commons.net.tftp.TFTPAckPacket;
import org.apache.commons.net.tftp.TFTPErrorPacket;
import org.apache.commons.net.tftp.TFTPPacket;
import org.apache.commons.net.tftp.TFTPPacketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RRQ being served: optional OACK, then windows of DATA blocks (RFC 7440; window 1 is
 * plain RFC 1350 lock-step). Block numbers wrap at 65536 so files over 32 MB at 512 bytes work.
 */
final class Transfer {
    private static final Logger LOG = LoggerFactory.getLogger(Transfer.class);
    /**
     * Back-off stops doubling at 8× the first timeout (and 10 s): a client whose own retries
     * give up after a bounded time must not be outwaited by the server it is waiting for.
     */
    private static final int MAX_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_BACKOFF_FACTOR = 8;

    /** What happened, for counters and the host's event log. */
    record Outcome(boolean completed, long bytes, int retransmits) { }

    private final TransferChannel channel;
    private final InetSocketAddress client;
    private final byte[] file;
    private final Negotiated options;
    private final int retries;
    private int retransmits;
    /** Whether the window before this one was resent on a repeated ACK; see {@link #awaitAck}. */
    private boolean previousWindowResentEarly;

    Transfer(TransferChannel channel, InetSocketAddress client, byte[] file, Negotiated options, int retries) {
        this.channel = channel;
        this.client = client;
        this.file = file;
        this.options = options;
        this.retries = retries;
    }

    Outcome run() throws IOException {
        if (!options.accepted().isEmpty() && !await(0, 0, () -> channel.send(Packets.oack(client, options.accepted())))) {
            return new Outcome(false, 0, retransmits);
        }
        int size = options.blockSize();
        long lastBlock = file.length / size + 1; // the final block is short, possibly empty
        long base = 1; // oldest block not yet acknowledged
        while (base <= lastBlock) {
            long windowEnd = Math.min(base + options.windowSize() - 1, lastBlock);
            long from = base;
            long acked = awaitAck(base - 1, windowEnd, () -> sendWindow(from, windowEnd, size));
            if (acked < 0) {
                return new Outcome(false, Math.min(file.length, (base - 1) * size), retransmits);
            }
            base = acked + 1;
        }
        return new Outcome(true, file.length, retransmits);
    }

    private void sendWindow(long from, long to, int size) throws IOException {
        for (long block = from; block <= to; block++) {
            int offset = (int) ((block - 1) * size);
            int length = Math.min(size, file.length - offset);
            channel.send(Packets.data(client, block & 0xffff, file, offset, length));
        }
    }

    private interface Send {
        void run() throws IOException;
    }

    private boolean await(long low, long high, Send send) throws IOException {
        return awaitAck(low, high, send) >= 0;
    }

    /**
     * Sends, then waits for an ACK of a block in (low, high] (or exactly 0 for the OACK), resending
     * on timeout with doubling delay. Duplicate or stale ACKs are ignored rather than answered,
     * which is what prevents the Sorcerer's Apprentice storm. Returns the acknowledged block, or
     * -1 when the client gave up, sent an error, or stopped answering.
     */
    private long awaitAck(long low, long high, Send send) throws IOException {
        int timeout = options.timeoutMillis();
        send.run();
        // RFC 7440: a client that lost a block of the window acknowledges the last block it has;
        // an ACK of the block before the window therefore means "resend it all", at once rather
        // than after a timeout. Only once per window, and not in the window after one that was
        // resent like that: the duplicate ACKs a resent window provokes would otherwise resend
        // every following window too (the windowed Sorcerer's Apprentice).
        boolean mayResendEarly = options.windowSize() > 1 && high > 0 && !previousWindowResentEarly;
        previousWindowResentEarly = false;
        for (int attempt = 0; ; ) {
            long deadline = System.nanoTime() + timeout * 1_000_000L;
            while (true) {
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                DatagramPacket packet = left > 0 ? channel.receive(left) : null;
                if (packet == null) {
                    break;
                }
                long block = interpret(packet, low, high);
                if (block == -2) {
                    return -1;
                }
                if (block == REPEATED && mayResendEarly) {
                    mayResendEarly = false;
                    previousWindowResentEarly = true;
                    retransmits++;
                    send.run();
                    continue;
                }
                if (block >= 0) {
                    return block;
                }
            }
            if (++attempt > retries) {
                LOG.debug("{}: no answer after {} retries, giving up", client, retries);
                return -1;
            }
            retransmits++;
            timeout = Math.min(timeout * 2, Math.min(MAX_TIMEOUT_MILLIS, options.timeoutMillis() * MAX_BACKOFF_FACTOR));
            send.run();
        }
    }

    private static final long REPEATED = -3;

    /** Acknowledged block number, -1 to ignore the packet, -2 to end the transfer, REPEATED for an ACK of {@code low}. */
    private long interpret(DatagramPacket packet, long low, long high) throws IOException {
        InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
        if (!from.equals(client)) {
            // RFC 1350: a packet from a stranger gets "unknown TID" and the transfer goes on.
            channel.send(Packets.error(from, TFTPErrorPacket.UNKNOWN_TID, "unknown transfer id"));
            return -1;
        }
        TFTPPacket parsed;
        try {
            parsed = TFTPPacket.newTFTPPacket(packet);
        } catch (TFTPPacketException e) {
            return -1;
        }
        if (parsed instanceof TFTPErrorPacket error) {
            // EDK2 reads tsize from the OACK and then aborts; that is normal, not a failure.
            LOG.debug("{} ended transfer: {} {}", client, error.getError(), error.getMessage());
            return -2;
        }
        if (!(parsed instanceof TFTPAckPacket ack)) {
            return -1;
        }
        long block = low + ((ack.getBlockNumber() - low) & 0xffff); // undo 16-bit wrap
        if (high == 0) {
            return ack.getBlockNumber() == 0 ? 0 : -1;
        }
        if (block == low) {
            return REPEATED;
        }
        return block > low && block <= high ? block : -1;
    }
}
