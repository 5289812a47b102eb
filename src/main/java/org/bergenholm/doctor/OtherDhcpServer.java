package org.bergenholm.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.dhcp4java.DHCPConstants;
import org.dhcp4java.DHCPPacket;

/**
 * Asks the segment whether a DHCP server already answers: one DISCOVER from port 68 to the
 * interface's broadcast address (a directed broadcast leaves through that interface without
 * binding to the device), then listens for an OFFER carrying the same transaction id.
 */
final class OtherDhcpServer {
    private OtherDhcpServer() { }

    /** The answering server's identifier (or source address), if any answered in time. */
    static Optional<InetAddress> probe(InetAddress broadcast, byte[] mac, Duration wait) throws IOException {
        int xid = ThreadLocalRandom.current().nextInt();
        DHCPPacket discover = new DHCPPacket();
        discover.setOp(DHCPConstants.BOOTREQUEST);
        discover.setHtype(DHCPConstants.HTYPE_ETHER);
        discover.setHlen((byte) 6);
        discover.setXid(xid);
        discover.setFlags((short) 0x8000); // ask for a broadcast reply: we have no address to be unicast to
        discover.setChaddr(mac);
        discover.setDHCPMessageType(DHCPConstants.DHCPDISCOVER);
        byte[] bytes = discover.serialize();
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(true);
            socket.setBroadcast(true);
            socket.bind(new InetSocketAddress(68));
            socket.send(new DatagramPacket(bytes, bytes.length, broadcast, 67));
            long deadline = System.nanoTime() + wait.toNanos();
            byte[] buf = new byte[1500];
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    break;
                }
                try {
                    DHCPPacket offer = DHCPPacket.getPacket(reply);
                    Byte type = offer.getDHCPMessageType();
                    if (offer.getXid() == xid && type != null && type == DHCPConstants.DHCPOFFER) {
                        InetAddress server = offer.getOptionAsInetAddr(DHCPConstants.DHO_DHCP_SERVER_IDENTIFIER);
                        return Optional.of(server != null ? server : reply.getAddress());
                    }
                } catch (IllegalArgumentException e) { // DHCPBadPacketException too
                    // Not a DHCP reply: keep listening.
                }
            }
        }
        return Optional.empty();
    }
}
