package org.bergenholm.dhcp;

import java.net.InetSocketAddress;
import org.dhcp4java.DHCPPacket;

/**
 * One decoded client packet, where it came from, whether it reached the boot-server port (4011),
 * and the segment (interface) it arrived on.
 */
public record Incoming(DHCPPacket packet, DhcpRequest request, InetSocketAddress source, boolean bootServerPort, Segment segment) {
}
