package org.bergenholm.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.net.tftp.TFTPErrorPacket;
import org.apache.commons.net.tftp.TFTPPacket;
import org.apache.commons.net.tftp.TFTPPacketException;
import org.apache.commons.net.tftp.TFTPReadRequestPacket;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.HostLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only TFTP server for PXE boot loaders. One thread runs every transfer: a selector over
 * the listening channel and each transfer's own channel (its RFC 1350 transfer id), with the
 * retransmission deadlines as the select timeout. A thread per transfer cost a context switch
 * per ACK; under a boot storm one select now returns many ready transfers at once.
 * In single-port mode (clients behind NAT) transfers answer from the listening channel.
 */
public final class TftpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TftpServer.class);
    /** Datagrams taken from one channel per wake-up, so one busy client cannot starve the rest. */
    private static final int BURST = 64;
    /**
     * Retransmission deadlines are looked at no more than every SCAN_NANOS: the loop turns once per
     * datagram, and checking a thousand transfers at every turn was a quarter of this thread's Java
     * time in a boot storm. Timeouts are hundreds of milliseconds or more, so a few milliseconds late is no change.
     */
    private static final long SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * The listening channel's kernel receive buffer (the kernel doubles it). A boot storm's RRQs
     * arrive within a second: with the default 208 KiB, 190-410 of a cold 1000-machine storm's RRQs were
     * dropped while the loop was still starting transfers, and each of those machines asked
     * again only after its timeout (docs/BENCHMARKS.md, boot storm, finding 30).
     */
    static final int REQUEST_BUFFER = 4 << 20;

    /** A running transfer and the channel it owns (null in single-port mode). */
    private record Running(Transfer transfer, DatagramChannel channel, String name, long started) { }

    private final TftpConfig config;
    private final Path root;
    private final EventLog events;
    private final HostLookup hosts;
    private final FileCache cache = new FileCache();
    private final TftpCounters counters = TftpCounters.zero();
    private final AtomicInteger active = new AtomicInteger();
    /** Host lookups and event writes may wait on the database; never on the loop thread. */
    private final ThreadPoolExecutor eventWriter = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> daemon(r, "tftp-events"), new ThreadPoolExecutor.DiscardPolicy());
    // The loop thread alone touches what follows.
    private final List<Running> running = new ArrayList<>();
    private long lastScan;
    private long nextDeadline;
    private final Map<InetAddress, Integer> perClient = new HashMap<>();
    /** Clients with a running transfer; a retransmitted RRQ must not start a second one. */
    private final Set<InetSocketAddress> busy = new HashSet<>();
    /** Single-port mode only: transfers keyed by client address:port. */
    private final Map<InetSocketAddress, Running> byClient = new HashMap<>();
    private final ByteBuffer received = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(65536);
    private Selector selector;
    /** Set by {@link #serveReady} when the listening channel is among the ready keys. */
    private boolean listenerReady;
    private DatagramChannel listening;
    private Thread loop;
    private volatile boolean draining;
    private volatile boolean closing;

    public TftpServer(TftpConfig config, Path root, EventLog events, HostLookup hosts) {
        this.config = config;
        this.root = root;
        this.events = events;
        this.hosts = hosts;
    }

    /**
     * The warning due when the request socket got less than it asked for. Java reports the size
     * asked for, not Linux's doubled figure (the JDK halves what the kernel returns), so a buffer
     * net.core.rmem_max did not cap reads REQUEST_BUFFER.
     */
    static Optional<String> requestBufferWarning(int reported) {
        if (reported >= REQUEST_BUFFER) {
            return Optional.empty();
        }
        return Optional.of("net.core.rmem_max caps the TFTP request socket's receive buffer at " + reported + " bytes instead of "
                + REQUEST_BUFFER + ": in a boot storm requests beyond it are dropped and machines ask again seconds later;"
                + " raise it with sysctl -w net.core.rmem_max=" + REQUEST_BUFFER);
    }

    public synchronized void start() throws IOException {
        selector = Selector.open();
        listening = DatagramChannel.open();
        try {
            listening.setOption(StandardSocketOptions.SO_RCVBUF, REQUEST_BUFFER);
            listening.bind(new InetSocketAddress(config.listenAddress(), config.port()));
            listening.configureBlocking(false);
            listening.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            listening.close();
            selector.close();
            throw e;
        }
        BootAssets.warnIfIncomplete(root);
        requestBufferWarning(listening.getOption(StandardSocketOptions.SO_RCVBUF)).ifPresent(LOG::warn);
        loop = daemon(this::run, "tftp");
        loop.start();
        LOG.info("TFTP serving {} on {} ({})", root, listening.getLocalAddress(),
                config.singlePort() ? "single port" : "port per transfer");
    }

    /** The bound UDP port; useful when the config asked for port 0. */
    public int port() {
        return localAddress().getPort();
    }

    public TftpCounters counters() {
        return counters;
    }

    /**
     * Refuses new transfers (with an error packet, so clients fail over at once) and waits up to
     * {@code limit} for the running ones to finish. True when none was left running.
     */
    public boolean drain(java.time.Duration limit) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + limit.toNanos();
        while (active.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return active.get() == 0;
    }

    @Override
    public synchronized void close() {
        if (loop == null) {
            return;
        }
        closing = true;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Running r : running) {
            closeQuietly(r.channel());
        }
        closeQuietly(listening);
        try {
            selector.close();
        } catch (IOException ignored) {
            // Nothing is left to select on.
        }
        eventWriter.shutdown(); // the events of finished transfers still go to the log
        try {
            eventWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!closing) {
            try {
                listenerReady = false;
                selector.select(this::serveReady, expire(System.nanoTime()));
                if (listenerReady) {
                    readFrom(listening, null);
                }
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("TFTP loop: {}", e.toString());
            }
        }
    }

    /**
     * A ready key: a transfer's channel is read at once, the listener only noted, for after the
     * transfers. Requests come last so that a client whose last ACK and next RRQ arrived together
     * is not refused for a transfer that has in fact just ended. Keys come one by one rather than
     * through selectedKeys(): iterating that set walks its whole hash table, as large as the most
     * keys ever ready at once (a thousand in a storm), at every wake-up.
     */
    private void serveReady(SelectionKey key) {
        if (key.attachment() == null) {
            listenerReady = true;
        } else if (key.isValid()) {
            Running r = (Running) key.attachment();
            try {
                readFrom((DatagramChannel) key.channel(), r);
            } catch (IOException e) {
                fail(r, e);
                finish(r);
            }
        }
    }

    /** Fires due retransmissions; returns milliseconds to the next deadline, 0 for none (wait for packets). */
    private long expire(long now) {
        if (!running.isEmpty() && now - lastScan < SCAN_NANOS && now - nextDeadline < 0) {
            return toMillis(Math.min(nextDeadline, lastScan + SCAN_NANOS) - now);
        }
        lastScan = now;
        long next = Long.MAX_VALUE;
        for (int i = running.size() - 1; i >= 0; i--) {
            Running r = running.get(i);
            if (now - r.transfer().deadline() >= 0) {
                try {
                    r.transfer().onTimeout(now);
                } catch (IOException | RuntimeException e) {
                    fail(r, e);
                }
            }
            if (r.transfer().outcome() != null) {
                finish(r);
            } else {
                next = Math.min(next, r.transfer().deadline() - now);
            }
        }
        nextDeadline = next == Long.MAX_VALUE ? now + SCAN_NANOS : now + next;
        return next == Long.MAX_VALUE ? 0 : toMillis(next);
    }

    private static long toMillis(long nanos) {
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    /**
     * Datagrams from the listening channel (owner null) or from a transfer's own channel. A
     * transfer's client sends one ACK per block, so its channel is read once per wake-up: asking
     * again would nearly always find nothing (one failed receive per block, 90,000 in a
     * 1000-machine storm), and the selector reports a channel that still holds a datagram again.
     */
    private void readFrom(DatagramChannel channel, Running owner) throws IOException {
        int reads = owner != null ? 1 : BURST;
        for (int i = 0; i < reads; i++) {
            received.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(received);
            if (from == null) {
                return;
            }
            byte[] data = new byte[received.flip().remaining()];
            received.get(data);
            Running target = owner != null ? owner : byClient.get(from);
            if (target == null) {
                handleRequest(from, data);
                continue;
            }
            try {
                target.transfer().onPacket(from, data, System.nanoTime());
            } catch (IOException | RuntimeException e) {
                fail(target, e);
            }
            if (target.transfer().outcome() != null) {
                finish(target);
            }
        }
    }

    private void handleRequest(InetSocketAddress from, byte[] data) throws IOException {
        int opcode = Packets.opcode(data);
        if (opcode == Packets.ERROR) {
            return; // never answer an error with an error
        }
        if (opcode == Packets.RRQ && busy.contains(from)) {
            return; // the running transfer is already retransmitting its first packet
        }
        try {
            admit(from, readRequest(new DatagramPacket(data, data.length, from)));
        } catch (RuntimeException e) {
            refuse(from, new TftpException(TFTPErrorPacket.ILLEGAL_OPERATION, "malformed packet"));
        } catch (TftpException e) {
            refuse(from, e);
        }
    }

    /** The RRQ a packet from a new client carries; TftpException (with the code to answer) for anything else. */
    static ReadRequest readRequest(DatagramPacket packet) throws TftpException {
        TFTPPacket parsed;
        try {
            parsed = TFTPPacket.newTFTPPacket(packet);
        } catch (TFTPPacketException e) {
            throw new TftpException(TFTPErrorPacket.ILLEGAL_OPERATION, "malformed packet");
        }
        if (!(parsed instanceof TFTPReadRequestPacket)) {
            throw Packets.opcode(packet) == Packets.WRQ
                    ? new TftpException(TFTPErrorPacket.ACCESS_VIOLATION, "read-only server")
                    : new TftpException(TFTPErrorPacket.UNKNOWN_TID, "no such transfer");
        }
        return ReadRequest.parse(packet.getData(), packet.getOffset(), packet.getLength());
    }

    private void refuse(InetSocketAddress to, TftpException e) throws IOException {
        counters.errors().incrementAndGet();
        LOG.debug("TFTP refused {}: {}", to, e.getMessage());
        listening.send(Packets.error(to, e.code, e.getMessage()), to);
    }

    /** Checks limits and the file, then starts the transfer. */
    private void admit(InetSocketAddress client, ReadRequest request) throws IOException, TftpException {
        if (draining) {
            throw new TftpException(TFTPErrorPacket.UNDEFINED, "server shutting down");
        }
        byte[] bytes = cache.read(BootAssets.resolve(root, request.filename()), request.netascii());
        if (active.get() >= config.maxTransfers() || perClient.getOrDefault(client.getAddress(), 0) >= config.maxPerClient()) {
            // Before refusing, take in what has already arrived: the ACK ending a transfer may be waiting.
            selector.selectNow(this::serveReady);
        }
        if (active.get() >= config.maxTransfers()) {
            throw new TftpException(TFTPErrorPacket.UNDEFINED, "server busy, too many transfers");
        }
        int fromThisClient = perClient.getOrDefault(client.getAddress(), 0);
        if (fromThisClient >= config.maxPerClient()) {
            throw new TftpException(TFTPErrorPacket.UNDEFINED, "too many transfers from " + client.getAddress());
        }
        DatagramChannel own = config.singlePort() ? null : openOwnChannel();
        Negotiated options = Negotiated.from(request.options(), bytes.length, config.timeoutMillis());
        Transfer transfer = new Transfer(own != null ? own : listening, client, bytes, options, config.retries(), sendBuffer);
        Running r = new Running(transfer, own, request.filename(), System.nanoTime());
        active.incrementAndGet();
        perClient.put(client.getAddress(), fromThisClient + 1);
        busy.add(client);
        running.add(r);
        if (own != null) {
            own.register(selector, SelectionKey.OP_READ, r);
        } else {
            byClient.put(client, r);
        }
        try {
            transfer.start(System.nanoTime());
        } catch (IOException | RuntimeException e) {
            fail(r, e);
            finish(r);
        }
    }

    private DatagramChannel openOwnChannel() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(new InetSocketAddress(localAddress().getAddress(), 0));
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void fail(Running r, Exception e) {
        counters.errors().incrementAndGet();
        LOG.debug("TFTP transfer of {} to {} failed: {}", r.name(), r.transfer().client(), e.toString());
        r.transfer().abort();
    }

    /**
     * By identity, the last one moved into its place: List.remove compared every running transfer
     * with the record's generated equals, a thousand at a time in a storm. The expiry scan walks the
     * list backwards, so the moved one has been looked at already.
     */
    private boolean removeFromRunning(Running r) {
        for (int i = running.size() - 1; i >= 0; i--) {
            if (running.get(i) == r) {
                Running last = running.remove(running.size() - 1);
                if (last != r) {
                    running.set(i, last);
                }
                return true;
            }
        }
        return false;
    }

    /** Releases the transfer's channel and limits, and counts what it did. */
    private void finish(Running r) {
        if (!removeFromRunning(r)) {
            return;
        }
        InetSocketAddress client = r.transfer().client();
        if (r.channel() != null) {
            closeQuietly(r.channel());
        } else {
            byClient.remove(client);
        }
        busy.remove(client);
        perClient.computeIfPresent(client.getAddress(), (address, count) -> count <= 1 ? null : count - 1);
        active.decrementAndGet();
        Transfer.Outcome outcome = r.transfer().outcome();
        counters.retransmits().addAndGet(outcome.retransmits());
        counters.bytes().addAndGet(outcome.bytes());
        if (outcome.completed()) {
            counters.transfers().incrementAndGet();
            long millis = (System.nanoTime() - r.started()) / 1_000_000;
            LOG.debug("TFTP sent {} ({} bytes) to {} in {} ms", r.name(), outcome.bytes(), client, millis);
            eventWriter.execute(() -> recordEvent(client, r.name(), outcome, millis));
        }
    }

    private void recordEvent(InetSocketAddress client, String name, Transfer.Outcome outcome, long millis) {
        String ip = client.getAddress().getHostAddress();
        try {
            hosts.hostIdByAddress(ip).ifPresent(hostId -> events.record(hostId, "tftp served " + name,
                    Map.of("bytes", outcome.bytes(), "duration_ms", millis,
                            "retransmits", outcome.retransmits(), "client", ip + ":" + client.getPort())));
        } catch (RuntimeException e) {
            LOG.debug("TFTP event for {} not recorded: {}", ip, e.toString());
        }
    }

    private InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) listening.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("TFTP server is closed", e);
        }
    }

    private static void closeQuietly(DatagramChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // Closing a UDP channel has nothing left to flush.
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
