package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.time.Clock;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.HostLookup;
import org.bergenholm.store.Database;
import org.bergenholm.store.LeaseStore;

/** Builds the DHCP server of a mode from its parts. */
public final class DhcpModes {
    private static final InetAddress ANY = Pool.ipv4("0.0.0.0");

    private DhcpModes() {
    }

    /**
     * Proxy mode: answers PXE clients on the server port and the boot-server port.
     * Bound to 0.0.0.0 because broadcasts only reach wildcard sockets; {@code iface} narrows it.
     */
    public static DhcpServer proxy(String iface, InetAddress server, String baseUrl, DhcpConfig config, Ports ports,
            HostLookup hosts, EventLog events) {
        DhcpCounters counters = DhcpCounters.zero();
        BootPolicy policy = new BootPolicy(hosts, new BootSettings(baseUrl, config.efiLoader()));
        return new DhcpServer(new ProxyHandler(policy, server, ports, events, counters), iface, ANY, ports, counters);
    }

    /** Full mode: addresses from {@code config.pools()}, leases in the database's `leases` collection. */
    public static DhcpServer full(String iface, InetAddress server, String baseUrl, DhcpConfig config, Ports ports,
            HostLookup hosts, EventLog events, Database db) {
        if (config.pools().isEmpty()) {
            throw new IllegalArgumentException("--dhcp full needs at least one pool (--pool START-END)");
        }
        DhcpCounters counters = DhcpCounters.zero();
        BootPolicy policy = new BootPolicy(hosts, new BootSettings(baseUrl, config.efiLoader()));
        LeaseAllocator leases = new LeaseAllocator(new LeaseStore(db), Clock.systemUTC(), config.offerHold(), config.quarantine());
        Ports noBootServer = new Ports(ports.server(), ports.client(), 0);
        return new DhcpServer(new FullHandler(config.pools(), leases, policy, server, noBootServer, events, counters),
                iface, ANY, noBootServer, counters);
    }
}
