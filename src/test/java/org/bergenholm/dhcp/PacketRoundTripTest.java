package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;

/** Requests survive encode → decode with dhcp4java, and DhcpRequest reads what firmware sends. */
class PacketRoundTripTest {
    @Test
    void pxeRequestFieldsSurviveTheWire() {
        DHCPPacket p = pxe(DhcpRequest.REQUEST, "52:54:00:AB:cd:01", 7); // an arch unlike the xid (0x1234), so a swap shows
        p.setOptionRaw((byte) 97, new byte[] {0, 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                (byte) 0x88, (byte) 0x99, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff});
        p.setOptionAsInetAddress((byte) 50, ip("10.1.2.3"));
        p.setOptionAsInetAddress((byte) 54, ip("10.1.2.1"));
        p.setGiaddr(ip("10.9.9.1"));
        DhcpRequest r = parse(p);
        assertEquals("52:54:00:ab:cd:01", r.mac());
        assertEquals(0x1234, r.xid());
        assertEquals(DhcpRequest.REQUEST, r.messageType());
        assertEquals(7, r.arch());
        assertTrue(r.isPxeClient());
        assertFalse(r.isIpxe());
        assertEquals("00112233-4455-6677-8899-aabbccddeeff", r.uuid());
        assertEquals(ip("10.1.2.3"), r.requestedAddress());
        assertEquals(ip("10.1.2.1"), r.serverId());
        assertEquals(ip("10.9.9.1"), r.giaddr());
        assertNull(r.ciaddr());
        assertEquals("test0", r.iface());
    }

    @Test
    void replyBuiltByRepliesDecodesToWhatWasPut() {
        DHCPPacket req = pxe(DhcpRequest.DISCOVER, "52:54:00:00:00:01", 0);
        DHCPPacket offer = Replies.proxy(req, DhcpRequest.OFFER, ip("10.0.0.1"), new BootAnswer("undionly.kpxe", "PXEClient"));
        DHCPPacket back = roundTrip(offer);
        assertEquals(2, back.getOp());
        assertEquals(DhcpRequest.OFFER, back.getDHCPMessageType().intValue());
        assertEquals(req.getXid(), back.getXid());
        assertEquals(ip("0.0.0.0"), back.getYiaddr());
        assertEquals(ip("10.0.0.1"), back.getSiaddr());
        assertEquals("undionly.kpxe", back.getFile());
        assertEquals("PXEClient", back.getOptionAsString((byte) 60));
        assertEquals(ip("10.0.0.1"), back.getOptionAsInetAddr((byte) 54));
        assertEquals(req.getChaddrAsHex(), back.getChaddrAsHex());
    }

    @Test
    void nonRequestsAndNonEthernetAreRefused() {
        DHCPPacket reply = request(1, "52:54:00:00:00:01", 1);
        reply.setOp((byte) 2);
        assertThrows(IllegalArgumentException.class, () -> parse(reply));
        DHCPPacket bootp = request(1, "52:54:00:00:00:01", 1);
        bootp.removeAllOptions();
        bootp.setDhcp(false);
        assertThrows(IllegalArgumentException.class, () -> parse(bootp));
    }
}
