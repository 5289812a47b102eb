package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.dhcp4java.DHCPPacket;

/** Builds reply packets with dhcp4java. */
final class Replies {
    /**
     * PXE vendor options (43): discovery control 8 = "boot the file in this packet, skip
     * boot server discovery", which lets firmware take the boot file straight from our offer.
     */
    private static final byte[] PXE_DISCOVERY_CONTROL = {6, 1, 8, (byte) 0xff};

    private Replies() {
    }

    /** A proxyDHCP reply: no address, only next-server and boot file (PXE spec 2.1, section 2.2.5). */
    static DHCPPacket proxy(DHCPPacket req, int type, InetAddress server, BootAnswer boot) {
        DHCPPacket p = base(req, type, server);
        boot(p, server, boot);
        byte[] guid = req.getOptionRaw((byte) 97);
        if (guid != null) {
            p.setOptionRaw((byte) 97, guid);
        }
        return p;
    }

    /** OFFER or ACK with an address from a pool, and the boot file when the client is a netboot client. */
    static DHCPPacket lease(DHCPPacket req, int type, InetAddress server, InetAddress address, Pool pool, BootAnswer boot) {
        DHCPPacket p = base(req, type, server);
        p.setYiaddr(address);
        poolOptions(p, pool);
        p.setOptionAsInt((byte) 51, pool.leaseSeconds());
        p.setOptionAsInt((byte) 58, pool.leaseSeconds() / 2);
        p.setOptionAsInt((byte) 59, pool.leaseSeconds() / 8 * 7);
        if (boot != null) {
            boot(p, server, boot);
        }
        return p;
    }

    /** ACK to INFORM: configuration only, no address and no lease time (RFC 2131 4.3.5). */
    static DHCPPacket inform(DHCPPacket req, InetAddress server, Pool pool, BootAnswer boot) {
        DHCPPacket p = base(req, DhcpRequest.ACK, server);
        poolOptions(p, pool);
        if (boot != null) {
            boot(p, server, boot);
        }
        return p;
    }

    static DHCPPacket nak(DHCPPacket req, InetAddress server) {
        return base(req, DhcpRequest.NAK, server);
    }

    private static void poolOptions(DHCPPacket p, Pool pool) {
        p.setOptionAsInetAddress((byte) 1, pool.netmask());
        if (pool.router() != null) {
            p.setOptionAsInetAddress((byte) 3, pool.router());
        }
        if (!pool.dns().isEmpty()) {
            p.setOptionAsInetAddresses((byte) 6, pool.dns().toArray(new InetAddress[0]));
        }
        if (pool.domain() != null) {
            p.setOptionAsString((byte) 15, pool.domain());
        }
    }

    private static void boot(DHCPPacket p, InetAddress server, BootAnswer boot) {
        p.setSiaddr(server);
        p.setFileRaw(fileField(boot.bootFile()));
        p.setOptionAsString((byte) 60, boot.vendorClass());
        if (boot.vendorClass().equals("PXEClient")) {
            p.setOptionRaw((byte) 43, PXE_DISCOVERY_CONTROL);
        }
        // Option 67 too: URLs may be longer than the 128-byte file field, and some firmware reads only 67.
        p.setOptionAsString((byte) 67, boot.bootFile());
    }

    private static byte[] fileField(String file) {
        byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
        byte[] field = new byte[128];
        System.arraycopy(bytes, 0, field, 0, Math.min(bytes.length, 127));
        return field;
    }

    private static DHCPPacket base(DHCPPacket req, int type, InetAddress server) {
        DHCPPacket p = new DHCPPacket();
        p.setOp((byte) 2);
        p.setHtype(req.getHtype());
        p.setHlen(req.getHlen());
        p.setXid(req.getXid());
        p.setFlags(req.getFlags());
        p.setGiaddrRaw(req.getGiaddrRaw());
        p.setChaddr(req.getChaddr());
        if (type != DhcpRequest.NAK) {
            p.setCiaddrRaw(req.getCiaddrRaw());
        }
        p.setDhcp(true);
        p.setDHCPMessageType((byte) type);
        p.setOptionAsInetAddress((byte) 54, server);
        return p;
    }
}
