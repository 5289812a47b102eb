package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import org.bergenholm.events.EventLog;
import org.dhcp4java.DHCPPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * proxyDHCP (PXE spec): beside a DHCP server we must not disturb, answer only PXE and
 * HTTP-boot firmware, only with boot information, never with an address. Stateless.
 */
final class ProxyHandler implements DhcpHandler {
    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

    private final BootPolicy policy;
    private final Ports ports;
    private final EventLog events;
    private final DhcpCounters counters;

    ProxyHandler(BootPolicy policy, Ports ports, EventLog events, DhcpCounters counters) {
        this.policy = policy;
        this.ports = ports;
        this.events = events;
        this.counters = counters;
    }

    @Override
    public Optional<Outgoing> handle(Incoming in) {
        DhcpRequest req = in.request();
        InetAddress server = in.segment().server();
        if (!req.isPxeClient() && !req.isHttpClient()) {
            return ignore(req, "not a PXE client");
        }
        int replyType;
        if (in.bootServerPort() && (req.messageType() == DhcpRequest.REQUEST || req.messageType() == DhcpRequest.INFORM)) {
            replyType = DhcpRequest.ACK;
        } else if (!in.bootServerPort() && req.messageType() == DhcpRequest.DISCOVER) {
            replyType = DhcpRequest.OFFER;
        } else if (!in.bootServerPort() && req.messageType() == DhcpRequest.REQUEST
                && req.requestedAddress() == null && (req.serverId() == null || req.serverId().equals(server))) {
            // A REQUEST asking for an address, or naming another server, belongs to the DHCP server's
            // exchange: our address-less ACK would race its ACK, and a client taking ours first DECLINEs
            // the lease. That holds even when the DHCP server shares our address (same box).
            replyType = DhcpRequest.ACK;
        } else {
            return ignore(req, "message type " + req.messageType() + " is not ours to answer");
        }
        HostMatch host = policy.host(req);
        Optional<BootAnswer> boot = policy.decide(req, host, in.segment());
        if (boot.isEmpty()) {
            return ignore(req, "no boot answer (arch " + req.arch() + ")");
        }
        DHCPPacket reply = Replies.proxy(in.packet(), replyType, server, boot.get());
        (replyType == DhcpRequest.OFFER ? counters.offers() : counters.acks()).incrementAndGet();
        String step = replyType == DhcpRequest.OFFER ? "dhcp proxy offer" : "dhcp proxy ack";
        if (log.isDebugEnabled()) {
            log.debug("DHCP {} mac={} xid={} iface={} arch={} file={}", step, req.mac(), Integer.toHexString(req.xid()),
                    req.iface(), req.arch(), boot.get().bootFile());
        }
        events.record(host.timeline(req), step, Map.of("mac", req.mac(), "arch", req.arch(), "bootfile", boot.get().bootFile()));
        return Optional.of(Outgoing.to(in, reply, ports));
    }

    private Optional<Outgoing> ignore(DhcpRequest req, String why) {
        counters.ignored().incrementAndGet();
        if (log.isDebugEnabled()) {
            log.debug("DHCP proxy ignores mac={} xid={} iface={}: {}", req.mac(), Integer.toHexString(req.xid()), req.iface(), why);
        }
        return Optional.empty();
    }
}
