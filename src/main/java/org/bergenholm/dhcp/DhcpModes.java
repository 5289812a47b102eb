package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.HostLookup;
import org.bergenholm.inventory.InventoryView;
import org.bergenholm.store.Database;
import org.bergenholm.store.LeaseStore;

/** Builds the DHCP server of a mode from its parts. */
public final class DhcpModes {
    private static final InetAddress ANY = Pool.ipv4("0.0.0.0");
    /**
     * How stale DHCP's copy of the lease table may be with respect to writes this appliance did
     * not make (another appliance on the same database, a direct edit); as the inventory view's.
     */
    static final Duration REFRESH = InventoryView.REFRESH;

    private DhcpModes() {
    }

    /**
     * Proxy mode: answers PXE clients on the server port and the boot-server port of every segment,
     * from {@code hosts} (in service, the in-memory inventory view: no packet waits on the database).
     * Bound to 0.0.0.0 because broadcasts only reach wildcard sockets; a segment's interface narrows it.
     * {@code ahead} hears of every boot answer given to a known host.
     */
    public static DhcpServer proxy(List<Segment> segments, DhcpConfig config, Ports ports, HostLookup hosts, BootAhead ahead,
            EventLog events) {
        DhcpCounters counters = DhcpCounters.zero();
        BootPolicy policy = new BootPolicy(hosts, config.efiLoader(), ahead);
        return new DhcpServer(new ProxyHandler(policy, ports, events, counters), segments, ANY, ports, counters);
    }

    /** Full mode: addresses from {@code config.pools()}, leases in memory and in the database's `leases` collection. */
    public static DhcpServer full(List<Segment> segments, DhcpConfig config, Ports ports, HostLookup hosts, BootAhead ahead,
            EventLog events, Database db) {
        if (config.pools().isEmpty()) {
            throw new IllegalArgumentException("--dhcp full needs at least one pool (--pool START-END)");
        }
        for (Pool pool : config.pools()) {
            if (pool.iface() != null && segments.stream().noneMatch(s -> pool.iface().equals(s.iface()))) {
                // Without a socket bound to it, which packets came from that interface is unknown: the pool would never be chosen.
                throw new IllegalArgumentException("pool " + pool.first().getHostAddress() + "-" + pool.last().getHostAddress()
                        + " is for interface " + pool.iface() + ", which DHCP does not listen on: add --interface " + pool.iface());
            }
        }
        DhcpCounters counters = DhcpCounters.zero();
        BootPolicy policy = new BootPolicy(hosts, config.efiLoader(), ahead);
        LeaseAllocator leases = new LeaseAllocator(new LeaseStore(db), Clock.systemUTC(), config.offerHold(), config.quarantine(),
                REFRESH);
        Ports noBootServer = new Ports(ports.server(), ports.client(), 0);
        return new DhcpServer(new FullHandler(config.pools(), leases, policy, noBootServer, events, counters),
                segments, ANY, noBootServer, counters).owning(leases);
    }
}
