package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.dhcp4java.DHCPPacket;

/**
 * What the server needs to know about one client packet, read once from the decoded
 * packet so that decisions are pure functions over plain values.
 *
 * @param arch client architecture (option 93), or -1 when the client sent none
 * @param uuid option 97 as iPXE prints ${uuid}, or null
 */
public record DhcpRequest(String mac, int xid, int messageType, int arch, String vendorClass,
        String userClass, boolean ipxeOption175, String uuid, InetAddress giaddr, InetAddress ciaddr,
        InetAddress requestedAddress, InetAddress serverId, String iface) {

    public static final int DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7, INFORM = 8;

    /** Raises IllegalArgumentException for packets that are not DHCP requests from an Ethernet client. */
    public static DhcpRequest from(DHCPPacket p, String iface) {
        if (p.getOp() != 1 || !p.isDhcp() || p.getDHCPMessageType() == null) {
            throw new IllegalArgumentException("not a DHCP request");
        }
        byte[] chaddr = p.getChaddr();
        if (p.getHtype() != 1 || p.getHlen() != 6 || chaddr.length < 6) {
            throw new IllegalArgumentException("not an Ethernet client");
        }
        String vendor = string(p.getOptionRaw((byte) 60));
        return new DhcpRequest(mac(chaddr), p.getXid(), p.getDHCPMessageType(), arch(p.getOptionRaw((byte) 93), vendor),
                vendor, string(p.getOptionRaw((byte) 77)),
                p.getOptionRaw((byte) 175) != null, uuid(p.getOptionRaw((byte) 97)), zeroToNull(p.getGiaddr()),
                zeroToNull(p.getCiaddr()), address(p.getOptionRaw((byte) 50)), address(p.getOptionRaw((byte) 54)), iface);
    }

    public boolean isPxeClient() {
        return vendorClass != null && vendorClass.startsWith("PXEClient");
    }

    public boolean isHttpClient() {
        return vendorClass != null && vendorClass.startsWith("HTTPClient");
    }

    /** iPXE names itself in user class 77 (plain or RFC 3004 encoded) or sends its option 175. */
    public boolean isIpxe() {
        return ipxeOption175 || (userClass != null && userClass.contains("iPXE"));
    }

    static String mac(byte[] chaddr) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((chaddr[i] >> 4) & 0xf, 16)).append(Character.forDigit(chaddr[i] & 0xf, 16));
        }
        return sb.toString();
    }

    /** Option 93, else the "PXEClient:Arch:NNNNN" vendor class some older ROMs send instead. */
    private static int arch(byte[] raw, String vendor) {
        if (raw != null && raw.length >= 2) {
            return ((raw[0] & 0xff) << 8) | (raw[1] & 0xff);
        }
        if (vendor != null && vendor.length() >= 20 && vendor.startsWith("PXEClient:Arch:")) {
            try {
                return Integer.parseInt(vendor.substring(15, 20));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static String string(byte[] raw) {
        return raw == null ? null : new String(raw, StandardCharsets.ISO_8859_1);
    }

    private static InetAddress address(byte[] raw) {
        if (raw == null || raw.length != 4) {
            return null;
        }
        try {
            return zeroToNull(InetAddress.getByAddress(raw));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress zeroToNull(InetAddress a) {
        return a == null || a.isAnyLocalAddress() ? null : a;
    }

    /**
     * Option 97 is a type byte 0 and a 16-byte GUID; iPXE prints the first three fields
     * little-endian (SMBIOS order), so the host id written by ${uuid} matches this string.
     */
    static String uuid(byte[] raw) {
        if (raw == null || raw.length != 17 || raw[0] != 0) {
            return null;
        }
        int[] order = {4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16};
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            int b = raw[order[i]] & 0xff;
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
