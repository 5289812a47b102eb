package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.bergenholm.events.EventLog;
import org.dhcp4java.DHCPPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Full DHCP (RFC 2131) from configured pools, with leases in the database and boot information for netboot clients. */
final class FullHandler implements DhcpHandler {
    private static final Logger log = LoggerFactory.getLogger(FullHandler.class);

    private final List<Pool> pools;
    private final LeaseAllocator leases;
    private final BootPolicy policy;
    private final Ports ports;
    private final EventLog events;
    private final DhcpCounters counters;
    private final WarningLimiter warnings = new WarningLimiter(log, 60_000);

    FullHandler(List<Pool> pools, LeaseAllocator leases, BootPolicy policy, Ports ports, EventLog events, DhcpCounters counters) {
        this.pools = List.copyOf(pools);
        this.leases = leases;
        this.policy = policy;
        this.ports = ports;
        this.events = events;
        this.counters = counters;
    }

    @Override
    public Optional<Outgoing> handle(Incoming in) {
        return answer(in).join();
    }

    /** Complete at once, except an ACK that waits for its lease's batch to be stored. */
    @Override
    public CompletableFuture<Optional<Outgoing>> answer(Incoming in) {
        DhcpRequest req = in.request();
        if (in.bootServerPort()) {
            return done(ignore(req, "boot-server port is for proxy mode"));
        }
        Optional<Pool> pool = pool(req);
        if (pool.isEmpty()) {
            return done(ignore(req, "no pool for this network"));
        }
        return switch (req.messageType()) {
            case DhcpRequest.DISCOVER -> done(discover(in, pool.get()));
            case DhcpRequest.REQUEST -> request(in, pool.get());
            case DhcpRequest.DECLINE -> done(decline(in, pool.get()));
            case DhcpRequest.RELEASE -> done(release(req));
            case DhcpRequest.INFORM -> done(inform(in, pool.get()));
            default -> done(ignore(req, "message type " + req.messageType()));
        };
    }

    private static CompletableFuture<Optional<Outgoing>> done(Optional<Outgoing> out) {
        return CompletableFuture.completedFuture(out);
    }

    /** The relay's pool when giaddr is set, else the pool of the receiving interface, else the first pool for any interface. */
    private Optional<Pool> pool(DhcpRequest req) {
        // Loops, not streams: this runs for every packet, and a stream pipeline cost 5 µs of C1-compiled code here.
        Pool anyInterface = null;
        for (Pool p : pools) {
            if (req.giaddr() != null ? p.sameSubnet(req.giaddr()) : p.iface() != null && p.iface().equals(req.iface())) {
                return Optional.of(p);
            }
            if (anyInterface == null && p.iface() == null) {
                anyInterface = p;
            }
        }
        return req.giaddr() != null ? Optional.empty() : Optional.ofNullable(anyInterface);
    }

    private Optional<Outgoing> discover(Incoming in, Pool pool) {
        DhcpRequest req = in.request();
        if (!leases.ready()) {
            counters.errors().incrementAndGet();
            warnings.warn("unready", "DHCP: leases not read from the database yet; no offer for {}", req.mac());
            return Optional.empty();
        }
        HostMatch host = policy.host(req);
        Optional<InetAddress> address = leases.offer(req.mac(), pool, reservation(host, pool), req.requestedAddress(),
                reservedForOthers(host));
        if (address.isEmpty()) {
            counters.errors().incrementAndGet();
            log.warn("DHCP pool {}-{} is full; no offer for {}", pool.first().getHostAddress(), pool.last().getHostAddress(), req.mac());
            return Optional.empty();
        }
        counters.offers().incrementAndGet();
        return answer(in, pool, host, DhcpRequest.OFFER, address.get(), "dhcp offer");
    }

    private CompletableFuture<Optional<Outgoing>> request(Incoming in, Pool pool) {
        DhcpRequest req = in.request();
        if (req.serverId() != null && !req.serverId().equals(in.segment().server())) {
            // The client chose another server's offer: ours goes back to the pool when its hold ends.
            return done(ignore(req, "client chose server " + req.serverId().getHostAddress()));
        }
        InetAddress wanted = req.ciaddr() != null ? req.ciaddr() : req.requestedAddress();
        if (wanted == null) {
            return done(ignore(req, "REQUEST without an address"));
        }
        HostMatch host = policy.host(req);
        InetAddress reserved = reservation(host, pool);
        if (req.serverId() == null && req.ciaddr() == null && pool.sameSubnet(wanted)
                && !leases.known(wanted) && !wanted.equals(reserved)) {
            // INIT-REBOOT for an address we have no record of: RFC 2131 4.3.2 says stay silent (another server may know it).
            return done(ignore(req, "INIT-REBOOT for " + wanted.getHostAddress() + ", no record"));
        }
        boolean allowed = pool.contains(wanted) || wanted.equals(reserved);
        if (!allowed || (reserved != null && !wanted.equals(reserved)) || reservedForOthers(host).test(wanted)) {
            return done(acknowledge(in, pool, host, wanted, LeaseAllocator.Binding.REFUSED));
        }
        return leases.bind(req.mac(), pool, wanted).thenApply(binding -> acknowledge(in, pool, host, wanted, binding));
    }

    /** The answer to a REQUEST once its binding is decided (and stored, when it needed storing). */
    private Optional<Outgoing> acknowledge(Incoming in, Pool pool, HostMatch host, InetAddress wanted, LeaseAllocator.Binding binding) {
        DhcpRequest req = in.request();
        if (binding == LeaseAllocator.Binding.UNSTORED) {
            // As ISC dhcpd does when its lease database update fails: no answer. The client retransmits and keeps
            // any address it has; a NAK would make a renewing client drop an address that is still its own.
            counters.errors().incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug("DHCP no ack mac={} xid={} iface={} address={}: lease not stored", req.mac(), Integer.toHexString(req.xid()),
                        req.iface(), wanted.getHostAddress());
            }
            return Optional.empty();
        }
        if (binding == LeaseAllocator.Binding.REFUSED) {
            counters.naks().incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug("DHCP nak mac={} xid={} iface={} address={}", req.mac(), Integer.toHexString(req.xid()), req.iface(),
                        wanted.getHostAddress());
            }
            events.record(host.timeline(req), "dhcp nak", Map.of("mac", req.mac(), "address", wanted.getHostAddress()));
            return Optional.of(Outgoing.to(in, Replies.nak(in.packet(), in.segment().server()), ports));
        }
        counters.acks().incrementAndGet();
        return answer(in, pool, host, DhcpRequest.ACK, wanted, "dhcp ack");
    }

    private Optional<Outgoing> answer(Incoming in, Pool pool, HostMatch host, int type, InetAddress address, String step) {
        DhcpRequest req = in.request();
        BootAnswer boot = policy.decide(req, host, in.segment()).orElse(null);
        DHCPPacket reply = Replies.lease(in.packet(), type, in.segment().server(), address, pool, boot);
        if (log.isDebugEnabled()) {
            log.debug("DHCP {} mac={} xid={} iface={} address={} arch={} file={}", step, req.mac(), Integer.toHexString(req.xid()),
                    req.iface(), address.getHostAddress(), req.arch(), boot == null ? "-" : boot.bootFile());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mac", req.mac());
        details.put("address", address.getHostAddress());
        details.put("arch", req.arch());
        if (boot != null) {
            details.put("bootfile", boot.bootFile());
        }
        events.record(host.timeline(req), step, details);
        return Optional.of(Outgoing.to(in, reply, ports));
    }

    private Optional<Outgoing> decline(Incoming in, Pool pool) {
        DhcpRequest req = in.request();
        if (req.requestedAddress() == null || (req.serverId() != null && !req.serverId().equals(in.segment().server()))
                || !pool.contains(req.requestedAddress())) {
            return ignore(req, "DECLINE not for one of our addresses");
        }
        counters.declines().incrementAndGet();
        leases.decline(req.requestedAddress());
        log.info("DHCP {} declined {}: quarantined", req.mac(), req.requestedAddress().getHostAddress());
        return Optional.empty();
    }

    private Optional<Outgoing> release(DhcpRequest req) {
        if (req.ciaddr() == null) {
            return ignore(req, "RELEASE without ciaddr");
        }
        counters.releases().incrementAndGet();
        leases.release(req.mac(), req.ciaddr());
        if (log.isDebugEnabled()) {
            log.debug("DHCP release mac={} xid={} iface={} address={}", req.mac(), Integer.toHexString(req.xid()), req.iface(),
                    req.ciaddr().getHostAddress());
        }
        return Optional.empty();
    }

    private Optional<Outgoing> inform(Incoming in, Pool pool) {
        DhcpRequest req = in.request();
        HostMatch host = policy.host(req);
        counters.acks().incrementAndGet();
        if (log.isDebugEnabled()) {
            log.debug("DHCP inform ack mac={} xid={} iface={}", req.mac(), Integer.toHexString(req.xid()), req.iface());
        }
        return Optional.of(Outgoing.to(in, Replies.inform(in.packet(), in.segment().server(), pool,
                policy.decide(req, host, in.segment()).orElse(null)), ports));
    }

    /** The host's `ipaddr` when it has one inside this pool's subnet. */
    private static InetAddress reservation(HostMatch host, Pool pool) {
        Object ip = host.params().get("ipaddr");
        if (host.id() == null || !(ip instanceof String s)) {
            return null;
        }
        try {
            InetAddress a = Pool.ipv4(s);
            return pool.sameSubnet(a) ? a : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True for an address that another host of the inventory has as its `ipaddr`. */
    private Predicate<InetAddress> reservedForOthers(HostMatch host) {
        return a -> policy.hostWithAddress(a.getHostAddress()).filter(id -> !id.equals(host.id())).isPresent();
    }

    private Optional<Outgoing> ignore(DhcpRequest req, String why) {
        counters.ignored().incrementAndGet();
        if (log.isDebugEnabled()) {
            log.debug("DHCP ignores mac={} xid={} iface={}: {}", req.mac(), Integer.toHexString(req.xid()), req.iface(), why);
        }
        return Optional.empty();
    }
}
