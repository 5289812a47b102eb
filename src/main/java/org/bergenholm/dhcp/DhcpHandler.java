package org.bergenholm.dhcp;

import java.util.Optional;

/** One DHCP mode: what to answer to a packet, if anything. Called from several threads. */
interface DhcpHandler {
    Optional<Outgoing> handle(Incoming in);
}
