package org.bergenholm.dhcp;

import java.net.InetSocketAddress;
import org.dhcp4java.DHCPPacket;

/** A reply and where it goes. */
public record Outgoing(DHCPPacket packet, InetSocketAddress to) {

    /**
     * RFC 2131 4.1: to the relay when there is one, to ciaddr when the client has an address,
     * else broadcast (we cannot fill the ARP cache for a unicast to an address not yet configured).
     * Boot-server (4011) requests are answered where they came from.
     */
    static Outgoing to(Incoming in, DHCPPacket reply, Ports ports) {
        DhcpRequest req = in.request();
        if (in.bootServerPort()) {
            return new Outgoing(reply, in.source());
        }
        if (req.giaddr() != null) {
            return new Outgoing(reply, new InetSocketAddress(req.giaddr(), ports.server()));
        }
        if (req.ciaddr() != null && reply.getDHCPMessageType() != DhcpRequest.NAK) {
            return new Outgoing(reply, new InetSocketAddress(req.ciaddr(), ports.client()));
        }
        return new Outgoing(reply, new InetSocketAddress("255.255.255.255", ports.client()));
    }
}
