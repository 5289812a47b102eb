package org.bergenholm.dhcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dhcp4java.DHCPPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCP server loop: one receiving thread per socket (67, and 4011 in proxy mode, on each
 * segment's interface) that decodes packets, and a few workers that run the mode's handler and
 * send the reply (the handler answers from memory; an ACK of a new binding is sent when its
 * lease is stored, by the thread that stored it, so that no worker waits on the database). When
 * the workers fall behind, packets are dropped and counted rather than queued without bound: a
 * client retransmits anyway.
 */
public final class DhcpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DhcpServer.class);
    private static final int MAX_PACKET = 1500;
    private static final int RECEIVE_TIMEOUT_MS = 250;
    /** ACKs of new bindings go out from the lease commit, so only a reused address, a RELEASE or a DECLINE waits on the database here. */
    private static final int WORKERS = 8;
    private static final int BACKLOG = 512;
    /** Clients retransmit after about a second; answering a packet older than that only delays the fresh ones. */
    private static final long STALE_NANOS = 1_000_000_000L;
    private static final int PACKETS_PER_CLIENT_PER_SECOND = 20;

    private final DhcpHandler handler;
    private final List<Segment> segments;
    private final InetAddress listen;
    private final Ports ports;
    private final DhcpCounters counters;
    private final WarningLimiter warnings = new WarningLimiter(log, 60_000);
    private final ClientRateLimit perClient = new ClientRateLimit(PACKETS_PER_CLIENT_PER_SECOND);
    private final List<BoundSocket> sockets = new ArrayList<>();
    private final List<Thread> receivers = new ArrayList<>();
    /** What the handler answers from (inventory view, lease table): stopped with the server. */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final ThreadPoolExecutor workers;
    private volatile boolean running;

    DhcpServer(DhcpHandler handler, List<Segment> segments, InetAddress listen, Ports ports, DhcpCounters counters) {
        if (segments.isEmpty() || (segments.size() > 1 && segments.stream().anyMatch(s -> s.iface() == null))) {
            throw new IllegalArgumentException("DHCP needs one segment for every interface, or one for all");
        }
        this.handler = handler;
        this.segments = List.copyOf(segments);
        this.listen = listen;
        this.ports = ports;
        this.counters = counters;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(BACKLOG), r -> {
            Thread t = new Thread(r, "dhcp-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    public synchronized void start() throws IOException {
        running = true;
        try {
            for (Segment segment : segments) {
                open(segment, ports.server(), false);
                if (ports.bootServer() != 0) {
                    open(segment, ports.bootServer(), true);
                }
                log.info("DHCP listening on {}:{}{}{} as {}", listen.getHostAddress(), ports.server(),
                        ports.bootServer() != 0 ? " and :" + ports.bootServer() : "",
                        segment.iface() == null ? "" : " on interface " + segment.iface(), segment.server().getHostAddress());
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void open(Segment segment, int port, boolean bootServer) throws IOException {
        BoundSocket socket = new BoundSocket(segment.iface(), listen, port, RECEIVE_TIMEOUT_MS);
        sockets.add(socket);
        Thread t = new Thread(() -> receive(socket, segment, bootServer),
                "dhcp-" + port + (segment.iface() == null ? "" : "-" + segment.iface()));
        t.setDaemon(true);
        receivers.add(t);
        t.start();
    }

    synchronized DhcpServer owning(AutoCloseable part) {
        owned.add(part);
        return this;
    }

    public DhcpCounters counters() {
        return counters;
    }

    private void receive(BoundSocket socket, Segment segment, boolean bootServer) {
        byte[] buf = new byte[MAX_PACKET];
        while (running) {
            BoundSocket.Received r;
            try {
                r = socket.receive(buf);
            } catch (IOException e) {
                warnings.warn("receive", "DHCP receive failed: {}", e.getMessage());
                continue;
            }
            if (r == null) {
                continue;
            }
            counters.received().incrementAndGet();
            Incoming in = decode(buf, r, segment, bootServer);
            if (in == null) {
                continue;
            }
            if (!perClient.allow(in.request().mac(), System.nanoTime())) {
                counters.dropped().incrementAndGet();
                warnings.warn("flood", "DHCP: client {} sends more than {} packets a second; dropping the rest",
                        in.request().mac(), PACKETS_PER_CLIENT_PER_SECOND);
                continue;
            }
            long received = System.nanoTime();
            try {
                workers.execute(() -> {
                    if (System.nanoTime() - received > STALE_NANOS) {
                        counters.dropped().incrementAndGet();
                        warnings.warn("stale", "DHCP workers behind: dropping packets waiting more than a second");
                        return;
                    }
                    handle(socket, in);
                });
            } catch (RejectedExecutionException e) {
                counters.dropped().incrementAndGet();
                warnings.warn("backlog", "DHCP workers behind: dropping packets (last from {})", in.request().mac());
            }
        }
    }

    private Incoming decode(byte[] buf, BoundSocket.Received r, Segment segment, boolean bootServer) {
        try {
            return decode(buf, r.length(), r.from(), bootServer, segment);
        } catch (RuntimeException e) {
            // Caught wide so one undecodable packet never ends the receive loop; the fuzz test holds decode to IllegalArgumentException.
            counters.malformed().incrementAndGet();
            warnings.warn("malformed", "DHCP: unreadable packet from {}: {}", r.from(), e.getMessage());
            return null;
        }
    }

    /** Raw UDP payload to a request; IllegalArgumentException (dhcp4java's DHCPBadPacketException too) when it is none. */
    static Incoming decode(byte[] buf, int length, InetSocketAddress from, boolean bootServer, Segment segment) {
        DHCPPacket packet = DHCPPacket.getPacket(buf, 0, length, true);
        return new Incoming(packet, DhcpRequest.from(packet, segment.iface()), from, bootServer, segment);
    }

    /** Sends the answer when it is ready: at once, or (an ACK waiting for its lease to be stored) from the thread that stored it. */
    private void handle(BoundSocket socket, Incoming in) {
        CompletableFuture<Optional<Outgoing>> answer;
        try {
            answer = handler.answer(in);
        } catch (RuntimeException e) {
            failed(in, e);
            return;
        }
        answer.whenComplete((out, error) -> {
            if (error != null) {
                failed(in, error);
                return;
            }
            try {
                if (out.isPresent()) {
                    socket.send(out.get().packet().serialize(), out.get().to());
                }
            } catch (IOException | RuntimeException e) {
                failed(in, e);
            }
        });
    }

    private void failed(Incoming in, Throwable e) {
        counters.errors().incrementAndGet();
        warnings.warn("handle", "DHCP: answering {} xid {} failed: {}", in.request().mac(),
                Integer.toHexString(in.request().xid()), e.toString());
    }

    @Override
    public synchronized void close() {
        running = false;
        for (Thread t : receivers) {
            try {
                t.join(RECEIVE_TIMEOUT_MS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The parts first: an ACK waiting for its lease is sent from the lease commit thread, which they stop.
        for (AutoCloseable part : owned) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("DHCP: stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        owned.clear();
        // Closed only after the threads stopped using them, so a reused descriptor number is never read.
        sockets.forEach(BoundSocket::close);
        sockets.clear();
        receivers.clear();
    }
}
