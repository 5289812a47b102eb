package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.HostLookup;
import org.bergenholm.store.Database;
import org.bergenholm.store.LeaseStore;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Raw UDP payloads through the path DhcpServer runs (decode, then the mode's handler, then the
 * reply's encoding), without sockets. Decoding may only refuse with IllegalArgumentException;
 * handlers never throw, and every reply is well formed and answers the packet it was given.
 */
class DhcpFuzzTest {
    private static final InetAddress SERVER = Pool.ipv4("10.62.0.1");
    private static final Ports PORTS = new Ports(67, 68, 4011);
    private static final InetSocketAddress FROM = new InetSocketAddress(Pool.ipv4("10.62.0.99"), 68);
    private static final String UUID_HOST = "00112233-4455-6677-8899-aabbccddeeff";
    /** One host found by UUID, one by MAC with a reserved address, one that must not netboot. */
    private static final HostLookup HOSTS = new HostLookup() {
        public Optional<Map<String, Object>> resolve(String id) {
            return switch (id) {
                case UUID_HOST -> Optional.of(Map.of("dhcp_bootfile", "special.efi"));
                case "by-mac" -> Optional.of(Map.of("ipaddr", "10.62.0.50"));
                case "off" -> Optional.of(Map.of("netboot", false));
                default -> Optional.empty();
            };
        }
        public Optional<String> hostIdByMac(String mac) {
            return switch (mac) {
                case "52:54:00:00:00:01" -> Optional.of("by-mac");
                case "52:54:00:00:00:02" -> Optional.of("off");
                default -> Optional.empty();
            };
        }
        public Optional<String> hostIdByAddress(String ip) {
            return ip.equals("10.62.0.50") ? Optional.of("by-mac") : Optional.empty();
        }
    };

    private static Path dir;
    private static Database db;
    private static DhcpHandler proxy;
    private static DhcpHandler full;
    private static Pool pool;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dhcp-fuzz");
        db = Database.embedded(dir);
        BootPolicy policy = new BootPolicy(HOSTS, BootSettings.DEFAULT_EFI_LOADER, BootAhead.NONE);
        proxy = new ProxyHandler(policy, PORTS, EventLog.NONE, DhcpCounters.zero());
        pool = Pool.parse("10.62.0.10-10.62.0.200", "255.255.255.0", "10.62.0.1", List.of("10.62.0.1"), "lab", 600, null);
        LeaseAllocator leases = new LeaseAllocator(new LeaseStore(db), Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofMinutes(1));
        full = new FullHandler(List.of(pool), leases, policy, new Ports(67, 68, 0), EventLog.NONE, DhcpCounters.zero());
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void proxyAnswers(byte[] packet) {
        for (boolean bootServerPort : new boolean[] {false, true}) {
            Incoming in = decodeOrNull(packet, bootServerPort);
            if (in == null) {
                return;
            }
            proxy.handle(in).ifPresent(out -> {
                DHCPPacket reply = checkedReply(in, out);
                assertEquals(Pool.ipv4("0.0.0.0"), reply.getYiaddr(), "proxyDHCP never assigns an address");
            });
        }
    }

    @FuzzTest(maxDuration = "10s")
    void fullAnswers(byte[] packet) {
        Incoming in = decodeOrNull(packet, false);
        if (in == null) {
            return;
        }
        full.handle(in).ifPresent(out -> {
            DHCPPacket reply = checkedReply(in, out);
            InetAddress yiaddr = reply.getYiaddr();
            int type = reply.getDHCPMessageType();
            if (type == DhcpRequest.OFFER || type == DhcpRequest.ACK && !yiaddr.isAnyLocalAddress()) {
                assertTrue(pool.contains(yiaddr) || yiaddr.getHostAddress().equals("10.62.0.50"),
                        "address outside the pool: " + yiaddr);
            }
        });
    }

    private static Incoming decodeOrNull(byte[] packet, boolean bootServerPort) {
        try {
            return DhcpServer.decode(packet, packet.length, FROM, bootServerPort, new Segment("fuzz0", SERVER, "http://10.62.0.1"));
        } catch (IllegalArgumentException e) {
            return null; // the documented refusal: "not a DHCP request we can read"
        }
    }

    /** The reply encodes, decodes back, and answers this client's transaction. */
    private static DHCPPacket checkedReply(Incoming in, Outgoing out) {
        byte[] wire = out.packet().serialize();
        DHCPPacket reply = DHCPPacket.getPacket(wire, 0, wire.length, true);
        assertEquals(2, reply.getOp(), "a BOOTREPLY");
        assertEquals(in.request().xid(), reply.getXid(), "answers the client's transaction");
        assertEquals(in.request().mac(), DhcpRequest.mac(reply.getChaddr()), "to the client's hardware address");
        assertTrue(wire.length <= 1500, "fits one Ethernet frame: " + wire.length);
        return reply;
    }
}
