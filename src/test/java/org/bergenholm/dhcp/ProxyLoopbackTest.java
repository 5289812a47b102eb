package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bergenholm.inventory.HostLookup;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Proxy mode over real UDP sockets on the loopback interface (SO_BINDTODEVICE "lo"). */
class ProxyLoopbackTest {
    private static final InetAddress SERVER = ip("127.0.0.1");
    private final List<String> events = new CopyOnWriteArrayList<>();
    private DhcpServer server;
    private TestClient client;
    private Ports ports;

    static final HostLookup HOSTS = new HostLookup() {
        public Optional<Map<String, Object>> resolve(String id) {
            return switch (id) {
                case "off-host" -> Optional.of(Map.of("netboot", false));
                case "00112233-4455-6677-8899-aabbccddeeff" -> Optional.of(Map.of("dhcp_bootfile", "special.efi"));
                default -> Optional.empty();
            };
        }
        public Optional<String> hostIdByMac(String mac) {
            return mac.equals("52:54:00:00:00:ff") ? Optional.of("off-host") : Optional.empty();
        }
        public Optional<String> hostIdByAddress(String ip) { return Optional.empty(); }
    };

    @BeforeEach
    void start() throws Exception {
        ports = new Ports(TestClient.freePort(), TestClient.freePort(), TestClient.freePort());
        server = DhcpModes.proxy(List.of(new Segment("lo", SERVER, "http://127.0.0.1:8080")), DhcpConfig.defaults(), ports, HOSTS,
                BootAhead.NONE, (host, step, details) -> events.add(host + " " + step + " " + details.get("bootfile")));
        server.start();
        client = new TestClient(ports.client(), ports.server());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void biosDiscoverGetsAnAddresslessOfferWithBootFile() throws Exception {
        DHCPPacket discover = pxe(DhcpRequest.DISCOVER, "52:54:00:00:00:01", 0);
        discover.setXid(101);
        client.send(discover);
        DHCPPacket offer = client.receive(101, 3000);
        assertNotNull(offer, "no offer");
        assertEquals(DhcpRequest.OFFER, offer.getDHCPMessageType().intValue());
        assertEquals(ip("0.0.0.0"), offer.getYiaddr());
        assertEquals(SERVER, offer.getSiaddr());
        assertEquals("undionly.kpxe", offer.getFile());
        assertEquals("PXEClient", offer.getOptionAsString((byte) 60));
        assertEquals(SERVER, offer.getOptionAsInetAddr((byte) 54));
        assertTrue(events.contains("52:54:00:00:00:01 dhcp proxy offer undionly.kpxe"), events.toString());
    }

    @Test
    void ipxeRequestGetsTheScriptUrlInTheAck() throws Exception {
        DHCPPacket request = ipxe(DhcpRequest.REQUEST, "52:54:00:00:00:02", 7);
        request.setXid(102);
        client.send(request);
        DHCPPacket ack = client.receive(102, 3000);
        assertNotNull(ack, "no ack");
        assertEquals(DhcpRequest.ACK, ack.getDHCPMessageType().intValue());
        assertEquals("http://127.0.0.1:8080/ipxe/script/${uuid}", ack.getFile());
    }

    @Test
    void bootServerPortAnswersToTheSender() throws Exception {
        DHCPPacket request = pxe(DhcpRequest.REQUEST, "52:54:00:00:00:03", 7);
        request.setXid(103);
        request.setCiaddr(ip("127.0.0.1"));
        client.send(request.serialize(), ports.bootServer());
        DHCPPacket ack = client.receive(103, 3000);
        assertNotNull(ack, "no ack on the boot-server port");
        assertEquals("snponly.efi", ack.getFile());
    }

    @Test
    void hostFoundByGuidGetsItsOverride() throws Exception {
        DHCPPacket discover = pxe(DhcpRequest.DISCOVER, "52:54:00:00:00:04", 7);
        discover.setXid(104);
        discover.setOptionRaw((byte) 97, new byte[] {0, 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                (byte) 0x88, (byte) 0x99, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff});
        client.send(discover);
        DHCPPacket offer = client.receive(104, 3000);
        assertNotNull(offer);
        assertEquals("special.efi", offer.getFile());
        assertNotNull(offer.getOptionRaw((byte) 97), "GUID echoed");
    }

    @Test
    void neverAnswersNonPxeClientsAddressRequestsOrNetbootOff() throws Exception {
        DHCPPacket plain = request(DhcpRequest.DISCOVER, "52:54:00:00:00:05", 105);
        client.send(plain);
        DHCPPacket otherServer = pxe(DhcpRequest.REQUEST, "52:54:00:00:00:06", 0);
        otherServer.setXid(106);
        otherServer.setOptionAsInetAddress((byte) 54, ip("10.1.1.1"));
        client.send(otherServer);
        // The DHCP server on this very box shares our server identifier; the address is its to confirm.
        DHCPPacket binding = pxe(DhcpRequest.REQUEST, "52:54:00:00:00:09", 7);
        binding.setXid(109);
        binding.setOptionAsInetAddress((byte) 54, SERVER);
        binding.setOptionAsInetAddress((byte) 50, ip("10.1.1.50"));
        client.send(binding);
        DHCPPacket off = pxe(DhcpRequest.DISCOVER, "52:54:00:00:00:ff", 0);
        off.setXid(107);
        client.send(off);
        DHCPPacket arm = pxe(DhcpRequest.DISCOVER, "52:54:00:00:00:07", 11);
        arm.setXid(108);
        client.send(arm);
        assertNull(client.receive(105, 500));
        assertNull(client.receive(106, 200));
        assertNull(client.receive(107, 200));
        assertNull(client.receive(108, 200));
        assertNull(client.receive(109, 200));
        assertEquals(5, server.counters().ignored().get());
        assertEquals(0, server.counters().offers().get() + server.counters().acks().get());
    }
}
