package org.bergenholm.dhcp;

import java.net.InetSocketAddress;
import org.dhcp4java.DHCPPacket;

/** One decoded client packet, where it came from, and whether it reached the boot-server port (4011). */
public record Incoming(DHCPPacket packet, DhcpRequest request, InetSocketAddress source, boolean bootServerPort) {
}
