package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bergenholm.inventory.HostLookup;
import org.bergenholm.store.Database;
import org.bson.Document;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full mode (RFC 2131) over real UDP sockets on loopback, leases in the embedded database. */
class FullLoopbackTest {
    private static final InetAddress SERVER = ip("127.0.0.1");
    private static final String RESERVED_MAC = "52:54:00:00:01:aa";
    @TempDir Path dir;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Database db;
    private DhcpServer server;
    private TestClient client;
    private int xid = 1000;

    static final HostLookup HOSTS = new HostLookup() {
        public Optional<Map<String, Object>> resolve(String id) {
            return id.equals("reserved") ? Optional.of(Map.of("mac", RESERVED_MAC, "ipaddr", "10.60.0.200")) : Optional.empty();
        }
        public Optional<String> hostIdByMac(String mac) {
            return mac.equals(RESERVED_MAC) ? Optional.of("reserved") : Optional.empty();
        }
        public Optional<String> hostIdByAddress(String ip) {
            return ip.equals("10.60.0.200") ? Optional.of("reserved") : Optional.empty();
        }
    };

    @BeforeEach
    void start() throws Exception {
        db = Database.embedded(dir);
        Ports ports = new Ports(TestClient.freePort(), TestClient.freePort(), 0);
        Pool pool = Pool.parse("10.60.0.10-10.60.0.12", "255.255.255.0", "10.60.0.1", List.of("10.60.0.1", "9.9.9.9"),
                "lab.example", 600, null);
        server = DhcpModes.full(List.of(new Segment("lo", SERVER, "http://10.60.0.1")), DhcpConfig.defaults().withPools(List.of(pool)), ports,
                HOSTS, BootAhead.NONE, (host, step, details) -> events.add(host + " " + step + " " + details.get("address")), db);
        server.start();
        client = new TestClient(ports.client(), ports.server());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        db.close();
    }

    private DHCPPacket exchange(DHCPPacket p) throws Exception {
        p.setXid(++xid);
        client.send(p);
        return client.receive(xid, 3000);
    }

    /** DISCOVER, OFFER, REQUEST, ACK; returns the ACK. */
    private DHCPPacket lease(DHCPPacket discover, DHCPPacket request) throws Exception {
        DHCPPacket offer = exchange(discover);
        assertNotNull(offer, "no offer");
        assertEquals(DhcpRequest.OFFER, offer.getDHCPMessageType().intValue());
        request.setOptionAsInetAddress((byte) 50, offer.getYiaddr());
        request.setOptionAsInetAddress((byte) 54, SERVER);
        DHCPPacket ack = exchange(request);
        assertNotNull(ack, "no ack");
        return ack;
    }

    private Document stored(InetAddress a) {
        return db.mongo().getCollection("leases").find(new Document("_id", a.getHostAddress())).first();
    }

    @Test
    void ordinaryClientGetsAnAddressWithPoolOptionsAndTheLeaseIsStored() throws Exception {
        DHCPPacket ack = lease(request(DhcpRequest.DISCOVER, "52:54:00:00:00:01", 0),
                request(DhcpRequest.REQUEST, "52:54:00:00:00:01", 0));
        assertEquals(DhcpRequest.ACK, ack.getDHCPMessageType().intValue());
        assertEquals(ip("10.60.0.10"), ack.getYiaddr());
        assertEquals(ip("255.255.255.0"), ack.getOptionAsInetAddr((byte) 1));
        assertEquals(ip("10.60.0.1"), ack.getOptionAsInetAddrs((byte) 3)[0]);
        assertEquals(2, ack.getOptionAsInetAddrs((byte) 6).length);
        assertEquals("lab.example", ack.getOptionAsString((byte) 15));
        assertEquals(600, ack.getOptionAsInteger((byte) 51));
        assertEquals("", ack.getFile(), "no boot file for a client that is not netbooting");
        Document d = stored(ack.getYiaddr());
        assertEquals("52:54:00:00:00:01", d.getString("mac"));
        assertEquals("bound", d.getString("state"));
        assertTrue(events.contains("52:54:00:00:00:01 dhcp ack 10.60.0.10"), events.toString());
    }

    @Test
    void pxeFirmwareThenIpxeOnOneMacKeepOneLease() throws Exception {
        String mac = "52:54:00:00:00:02";
        DHCPPacket first = lease(pxe(DhcpRequest.DISCOVER, mac, 0), pxe(DhcpRequest.REQUEST, mac, 0));
        assertEquals("undionly.kpxe", first.getFile());
        DHCPPacket ipxeDiscover = ipxe(DhcpRequest.DISCOVER, mac, 0);
        ipxeDiscover.setOptionRaw((byte) 61, new byte[] {(byte) 0xff, 1, 2, 3, 4}); // a different client id
        DHCPPacket second = lease(ipxeDiscover, ipxe(DhcpRequest.REQUEST, mac, 0));
        assertEquals(first.getYiaddr(), second.getYiaddr());
        assertEquals("http://10.60.0.1/ipxe/script/${uuid}", second.getFile());
        assertEquals(1, db.mongo().getCollection("leases").countDocuments(new Document("mac", mac)));
    }

    @Test
    void reservedHostGetsItsAddressAndNobodyElseDoes() throws Exception {
        DHCPPacket ack = lease(request(DhcpRequest.DISCOVER, RESERVED_MAC, 0), request(DhcpRequest.REQUEST, RESERVED_MAC, 0));
        assertEquals(ip("10.60.0.200"), ack.getYiaddr());
        DHCPPacket thief = request(DhcpRequest.REQUEST, "52:54:00:00:00:03", 0);
        thief.setOptionAsInetAddress((byte) 50, ip("10.60.0.200"));
        DHCPPacket nak = exchange(thief);
        assertEquals(DhcpRequest.NAK, nak.getDHCPMessageType().intValue());
    }

    @Test
    void requestForAnotherClientsAddressIsRefused() throws Exception {
        DHCPPacket ack = lease(request(DhcpRequest.DISCOVER, "52:54:00:00:00:04", 0), request(DhcpRequest.REQUEST, "52:54:00:00:00:04", 0));
        DHCPPacket other = request(DhcpRequest.REQUEST, "52:54:00:00:00:05", 0);
        other.setOptionAsInetAddress((byte) 50, ack.getYiaddr());
        assertEquals(DhcpRequest.NAK, exchange(other).getDHCPMessageType().intValue());
        DHCPPacket outside = request(DhcpRequest.REQUEST, "52:54:00:00:00:05", 0);
        outside.setOptionAsInetAddress((byte) 50, ip("192.168.1.5"));
        assertEquals(DhcpRequest.NAK, exchange(outside).getDHCPMessageType().intValue());
    }

    @Test
    void declinedAddressIsQuarantinedAndReleasedOneReused() throws Exception {
        String mac = "52:54:00:00:00:06";
        DHCPPacket ack = lease(request(DhcpRequest.DISCOVER, mac, 0), request(DhcpRequest.REQUEST, mac, 0));
        DHCPPacket decline = request(DhcpRequest.DECLINE, mac, 0);
        decline.setOptionAsInetAddress((byte) 50, ack.getYiaddr());
        decline.setOptionAsInetAddress((byte) 54, SERVER);
        client.send(decline);
        waitFor(() -> "declined".equals(stored(ack.getYiaddr()).getString("state")));
        DHCPPacket again = lease(request(DhcpRequest.DISCOVER, mac, 0), request(DhcpRequest.REQUEST, mac, 0));
        assertNotEquals(ack.getYiaddr(), again.getYiaddr(), "a declined address is not offered again at once");

        DHCPPacket release = request(DhcpRequest.RELEASE, mac, 0);
        release.setCiaddr(again.getYiaddr());
        client.send(release);
        waitFor(() -> "released".equals(stored(again.getYiaddr()).getString("state")));
        // The pool has three addresses: one quarantined, so two more clients need the released one.
        DHCPPacket c1 = lease(request(DhcpRequest.DISCOVER, "52:54:00:00:00:07", 0), request(DhcpRequest.REQUEST, "52:54:00:00:00:07", 0));
        DHCPPacket c2 = lease(request(DhcpRequest.DISCOVER, "52:54:00:00:00:08", 0), request(DhcpRequest.REQUEST, "52:54:00:00:00:08", 0));
        assertEquals(java.util.Set.of(again.getYiaddr(), ip("10.60.0.12")), java.util.Set.of(c1.getYiaddr(), c2.getYiaddr()));
        assertNull(exchange(request(DhcpRequest.DISCOVER, "52:54:00:00:00:09", 0)), "pool exhausted: no offer");
    }

    @Test
    void initRebootIsAckedForAKnownLeaseAndIgnoredWithoutARecord() throws Exception {
        String mac = "52:54:00:00:00:0b";
        DHCPPacket ack = lease(request(DhcpRequest.DISCOVER, mac, 0), request(DhcpRequest.REQUEST, mac, 0));
        DHCPPacket reboot = request(DhcpRequest.REQUEST, mac, 0);
        reboot.setOptionAsInetAddress((byte) 50, ack.getYiaddr());
        DHCPPacket again = exchange(reboot);
        assertEquals(DhcpRequest.ACK, again.getDHCPMessageType().intValue());
        assertEquals(ack.getYiaddr(), again.getYiaddr());
        DHCPPacket unknown = request(DhcpRequest.REQUEST, "52:54:00:00:00:0c", 0);
        unknown.setOptionAsInetAddress((byte) 50, ip("10.60.0.11"));
        assertNull(exchange(unknown), "no record of that address: silent");
    }

    @Test
    void informGetsConfigurationWithoutAnAddress() throws Exception {
        DHCPPacket inform = request(DhcpRequest.INFORM, "52:54:00:00:00:0a", 0);
        inform.setCiaddr(ip("127.0.0.1"));
        DHCPPacket ack = exchange(inform);
        assertNotNull(ack);
        assertEquals(DhcpRequest.ACK, ack.getDHCPMessageType().intValue());
        assertEquals(ip("0.0.0.0"), ack.getYiaddr());
        assertNull(ack.getOptionRaw((byte) 51));
        assertEquals(ip("10.60.0.1"), ack.getOptionAsInetAddrs((byte) 3)[0]);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + 3000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < end, "condition not met in time");
            Thread.sleep(20);
        }
    }
}
