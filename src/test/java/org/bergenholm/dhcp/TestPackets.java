package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.dhcp4java.DHCPPacket;

/** Client packets as firmware, iPXE and ordinary clients send them. */
final class TestPackets {
    private TestPackets() {
    }

    static DHCPPacket request(int type, String mac, int xid) {
        DHCPPacket p = new DHCPPacket();
        p.setOp((byte) 1);
        p.setHtype((byte) 1);
        p.setHlen((byte) 6);
        p.setXid(xid);
        p.setChaddrHex(mac.replace(":", ""));
        p.setDhcp(true);
        p.setDHCPMessageType((byte) type);
        return p;
    }

    static DHCPPacket pxe(int type, String mac, int arch) {
        DHCPPacket p = request(type, mac, 0x1234);
        p.setOptionAsString((byte) 60, String.format("PXEClient:Arch:%05d:UNDI:002001", arch));
        p.setOptionRaw((byte) 93, new byte[] {(byte) (arch >> 8), (byte) arch});
        return p;
    }

    static DHCPPacket ipxe(int type, String mac, int arch) {
        DHCPPacket p = pxe(type, mac, arch);
        p.setOptionRaw((byte) 77, "iPXE".getBytes(StandardCharsets.US_ASCII));
        return p;
    }

    static DHCPPacket roundTrip(DHCPPacket p) {
        byte[] wire = p.serialize();
        return DHCPPacket.getPacket(wire, 0, wire.length, true);
    }

    static DhcpRequest parse(DHCPPacket p) {
        return DhcpRequest.from(roundTrip(p), "test0");
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
