package org.bergenholm.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.apache.commons.net.tftp.TFTPAckPacket;
import org.apache.commons.net.tftp.TFTPErrorPacket;
import org.apache.commons.net.tftp.TFTPPacket;
import org.apache.commons.net.tftp.TFTPPacketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RRQ being served, as a state machine the server's event loop drives: optional OACK, then
 * windows of DATA blocks (RFC 7440; window 1 is plain RFC 1350 lock-step). Block numbers wrap
 * at 65536 so files over 32 MB at 512 bytes work. Not thread-safe: only the loop touches it.
 */
final class Transfer {
    private static final Logger LOG = LoggerFactory.getLogger(Transfer.class);
    /**
     * Back-off stops doubling at 8× the first timeout (and 10 s): a client whose own retries
     * give up after a bounded time must not be outwaited by the server it is waiting for.
     */
    private static final int MAX_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_BACKOFF_FACTOR = 8;
    private static final long IGNORE = -1, END = -2, REPEATED = -3;

    /** What happened, for counters and the host's event log. */
    record Outcome(boolean completed, long bytes, int retransmits) { }

    private final DatagramChannel out;
    private final InetSocketAddress client;
    private final byte[] file;
    private final Negotiated options;
    private final int retries;
    /** The loop's one send buffer, shared by every transfer because only the loop thread sends. */
    private final ByteBuffer sendBuffer;
    private final long lastBlock;
    /** Waiting for an ACK of a block in (low, high]; high 0 means waiting for the ACK of the OACK. */
    private long low;
    private long high;
    private int timeout;
    private int attempt;
    private long deadline;
    private int retransmits;
    private boolean mayResendEarly;
    /** Whether the window before this one was resent on a repeated ACK; see {@link #onPacket}. */
    private boolean previousWindowResentEarly;
    private Outcome outcome;

    Transfer(DatagramChannel out, InetSocketAddress client, byte[] file, Negotiated options, int retries,
             ByteBuffer sendBuffer) {
        this.out = out;
        this.client = client;
        this.file = file;
        this.options = options;
        this.retries = retries;
        this.sendBuffer = sendBuffer;
        this.lastBlock = file.length / options.blockSize() + 1; // the final block is short, possibly empty
    }

    void start(long now) throws IOException {
        if (options.accepted().isEmpty()) {
            startWindow(1, now);
            return;
        }
        low = 0;
        high = 0;
        arm(now);
    }

    InetSocketAddress client() {
        return client;
    }

    /** When {@link #onTimeout} is next due, in System.nanoTime() terms. */
    long deadline() {
        return deadline;
    }

    /** Null while the transfer runs. */
    Outcome outcome() {
        return outcome;
    }

    void abort() {
        finish(false);
    }

    /**
     * A packet for this transfer. Duplicate or stale ACKs are ignored rather than answered, which
     * is what prevents the Sorcerer's Apprentice storm. RFC 7440: a client that lost a block of the
     * window acknowledges the last block it has; an ACK of the block before the window therefore
     * means "resend it all", at once rather than after a timeout. Only once per window, and not in
     * the window after one that was resent like that: the duplicate ACKs a resent window provokes
     * would otherwise resend every following window too (the windowed Sorcerer's Apprentice).
     */
    void onPacket(InetSocketAddress from, byte[] data, long now) throws IOException {
        long block = interpret(from, data);
        if (block == END) {
            finish(false);
        } else if (block == REPEATED && mayResendEarly) {
            mayResendEarly = false;
            previousWindowResentEarly = true;
            retransmits++;
            sendCurrent();
        } else if (block >= 0) {
            startWindow(block + 1, now); // the OACK is acknowledged with block 0
        }
    }

    /** Resends with doubling delay, or gives up after {@code retries} resends. */
    void onTimeout(long now) throws IOException {
        if (++attempt > retries) {
            LOG.debug("{}: no answer after {} retries, giving up", client, retries);
            finish(false);
            return;
        }
        retransmits++;
        timeout = Math.min(timeout * 2, Math.min(MAX_TIMEOUT_MILLIS, options.timeoutMillis() * MAX_BACKOFF_FACTOR));
        sendCurrent();
        deadline = now + timeout * 1_000_000L;
    }

    private void startWindow(long base, long now) throws IOException {
        if (base > lastBlock) {
            finish(true);
            return;
        }
        low = base - 1;
        high = Math.min(base + options.windowSize() - 1, lastBlock);
        mayResendEarly = options.windowSize() > 1 && !previousWindowResentEarly;
        previousWindowResentEarly = false;
        arm(now);
    }

    private void arm(long now) throws IOException {
        timeout = options.timeoutMillis();
        attempt = 0;
        sendCurrent();
        deadline = now + timeout * 1_000_000L;
    }

    private void sendCurrent() throws IOException {
        if (high == 0) {
            out.send(Packets.oack(options.accepted()), client);
            return;
        }
        int size = options.blockSize();
        for (long block = low + 1; block <= high; block++) {
            int offset = (int) ((block - 1) * size);
            // A full send buffer drops the datagram (send returns 0), as the network may: retransmission covers it.
            out.send(Packets.data(sendBuffer, block & 0xffff, file, offset, Math.min(size, file.length - offset)), client);
        }
    }

    private void finish(boolean completed) {
        if (outcome == null) {
            outcome = new Outcome(completed, completed ? file.length : Math.min(file.length, low * options.blockSize()), retransmits);
        }
    }

    /** Acknowledged block number, IGNORE, END to end the transfer, or REPEATED for an ACK of {@code low}. */
    private long interpret(InetSocketAddress from, byte[] data) throws IOException {
        if (!from.equals(client)) {
            // RFC 1350: a packet from a stranger gets "unknown TID" and the transfer goes on.
            out.send(Packets.error(from, TFTPErrorPacket.UNKNOWN_TID, "unknown transfer id"), from);
            return IGNORE;
        }
        TFTPPacket parsed;
        try {
            parsed = TFTPPacket.newTFTPPacket(new DatagramPacket(data, data.length, from));
        } catch (TFTPPacketException e) {
            return IGNORE;
        }
        if (parsed instanceof TFTPErrorPacket error) {
            // EDK2 reads tsize from the OACK and then aborts; that is normal, not a failure.
            LOG.debug("{} ended transfer: {} {}", client, error.getError(), error.getMessage());
            return END;
        }
        if (!(parsed instanceof TFTPAckPacket ack)) {
            return IGNORE;
        }
        if (high == 0) {
            return ack.getBlockNumber() == 0 ? 0 : IGNORE;
        }
        long block = low + ((ack.getBlockNumber() - low) & 0xffff); // undo 16-bit wrap
        if (block == low) {
            return REPEATED;
        }
        return block > low && block <= high ? block : IGNORE;
    }
}
