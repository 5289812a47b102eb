package org.bergenholm.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Read-only TFTP server for PXE boot loaders. One listener thread reads requests; each
 * transfer runs on its own thread, with its own port unless {@link TftpConfig#singlePort()}.
 */
public final class TftpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TftpServer.class);

    private final TftpConfig config;
    private final Path root;
    private final EventLog events;
    private final HostLookup hosts;
    private final FileCache cache = new FileCache();
    private final TftpCounters counters = TftpCounters.zero();
    private final AtomicInteger active = new AtomicInteger();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    /** Clients with a running transfer; a retransmitted RRQ must not start a second one. */
    private final java.util.Set<InetSocketAddress> busy = ConcurrentHashMap.newKeySet();
    /** Single-port mode only: transfers keyed by client address:port. */
    private final Map<InetSocketAddress, TransferChannel.Shared> byClient = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tftp-transfer");
        t.setDaemon(true);
        return t;
    });
    /** Open transfer channels, closed on shutdown so no transfer thread lingers in receive(). */
    private final java.util.Set<TransferChannel> channels = ConcurrentHashMap.newKeySet();
    private DatagramSocket socket;
    private Thread listener;
    private volatile boolean draining;

    public TftpServer(TftpConfig config, Path root, EventLog events, HostLookup hosts) {
        this.config = config;
        this.root = root;
        this.events = events;
        this.hosts = hosts;
    }

    public synchronized void start() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(config.listenAddress(), config.port()));
        BootAssets.warnIfIncomplete(root);
        listener = new Thread(this::listen, "tftp-listener");
        listener.setDaemon(true);
        listener.start();
        LOG.info("TFTP serving {} on {} ({})", root, socket.getLocalSocketAddress(),
                config.singlePort() ? "single port" : "port per transfer");
    }

    /** The bound UDP port; useful when the config asked for port 0. */
    public int port() {
        return socket.getLocalPort();
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
        if (socket != null) {
            socket.close();
        }
        workers.shutdownNow();
        channels.forEach(TransferChannel::close);
    }

    private void listen() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
                handle(packet);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException | RuntimeException e) {
                LOG.warn("TFTP listener: {}", e.toString());
            }
        }
    }

    private void handle(DatagramPacket packet) throws IOException {
        InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
        TransferChannel.Shared running = byClient.get(from);
        if (running != null) {
            running.deliver(copy(packet));
            return;
        }
        int opcode = Packets.opcode(packet);
        if (opcode == Packets.ERROR) {
            return; // never answer an error with an error
        }
        if (opcode == Packets.RRQ && busy.contains(from)) {
            return; // the running transfer is already retransmitting its first packet
        }
        try {
            admit(from, readRequest(packet));
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
        socket.send(Packets.error(to, e.code, e.getMessage()));
    }

    /** Checks limits and the file, then hands the transfer to a worker thread. */
    private void admit(InetSocketAddress client, ReadRequest request) throws IOException, TftpException {
        if (draining) {
            throw new TftpException(TFTPErrorPacket.UNDEFINED, "server shutting down");
        }
        Path file = BootAssets.resolve(root, request.filename());
        byte[] bytes = cache.read(file, request.netascii());
        if (active.incrementAndGet() > config.maxTransfers()) {
            active.decrementAndGet();
            throw new TftpException(TFTPErrorPacket.UNDEFINED, "server busy, too many transfers");
        }
        boolean[] admitted = {false};
        perClient.compute(client.getAddress(), (address, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < config.maxPerClient();
            return admitted[0] ? current + 1 : count;
        });
        if (!admitted[0]) {
            active.decrementAndGet();
            throw new TftpException(TFTPErrorPacket.UNDEFINED, "too many transfers from " + client.getAddress());
        }
        busy.add(client);
        TransferChannel channel;
        try {
            channel = openChannel(client);
        } catch (IOException e) {
            release(client);
            throw e;
        }
        Negotiated options = Negotiated.from(request.options(), bytes.length, config.timeoutMillis());
        workers.execute(() -> serve(channel, client, request.filename(), bytes, options));
    }

    private TransferChannel openChannel(InetSocketAddress client) throws IOException {
        if (!config.singlePort()) {
            return TransferChannel.OwnSocket.open(socket.getLocalAddress());
        }
        TransferChannel.Shared shared = new TransferChannel.Shared(socket, () -> byClient.remove(client));
        byClient.put(client, shared);
        return shared;
    }

    private void serve(TransferChannel channel, InetSocketAddress client, String name, byte[] bytes,
                       Negotiated options) {
        long started = System.nanoTime();
        channels.add(channel);
        try (channel) {
            Transfer.Outcome outcome = new Transfer(channel, client, bytes, options, config.retries()).run();
            long millis = (System.nanoTime() - started) / 1_000_000;
            counters.retransmits().addAndGet(outcome.retransmits());
            counters.bytes().addAndGet(outcome.bytes());
            if (outcome.completed()) {
                counters.transfers().incrementAndGet();
                LOG.debug("TFTP sent {} ({} bytes) to {} in {} ms", name, outcome.bytes(), client, millis);
                recordEvent(client, name, outcome, millis);
            }
        } catch (IOException | RuntimeException e) {
            counters.errors().incrementAndGet();
            LOG.debug("TFTP transfer of {} to {} failed: {}", name, client, e.toString());
        } finally {
            channels.remove(channel);
            release(client);
        }
    }

    private void release(InetSocketAddress client) {
        busy.remove(client);
        active.decrementAndGet();
        perClient.computeIfPresent(client.getAddress(), (address, count) -> count <= 1 ? null : count - 1);
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

    private static DatagramPacket copy(DatagramPacket packet) {
        byte[] data = Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
        return new DatagramPacket(data, data.length, packet.getSocketAddress());
    }
}
