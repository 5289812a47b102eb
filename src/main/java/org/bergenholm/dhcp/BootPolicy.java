package org.bergenholm.dhcp;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bergenholm.inventory.HostLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** BootDecision with the inventory behind it, shared by both modes; logs each unsupported architecture once. */
final class BootPolicy {
    private static final Logger log = LoggerFactory.getLogger(BootPolicy.class);

    private final HostLookup hosts;
    private final String efiLoader;
    private final BootAhead ahead;
    private final Set<Integer> reportedArchs = ConcurrentHashMap.newKeySet();

    BootPolicy(HostLookup hosts, String efiLoader, BootAhead ahead) {
        this.hosts = hosts;
        this.efiLoader = efiLoader;
        this.ahead = ahead;
    }

    HostMatch host(DhcpRequest req) {
        return HostMatch.find(hosts, req);
    }

    /** Id of the host whose `ipaddr` is this address. */
    Optional<String> hostWithAddress(String ipv4) {
        return hosts.hostIdByAddress(ipv4);
    }

    /** The boot answer on the segment the request arrived on: its base URL is in the iPXE script URL. */
    Optional<BootAnswer> decide(DhcpRequest req, HostMatch host, Segment segment) {
        Optional<BootAnswer> answer = BootDecision.decide(req, host.params(), new BootSettings(segment.baseUrl(), efiLoader));
        if (answer.isEmpty() && (req.isPxeClient() || req.isHttpClient()) && !req.isIpxe()
                && reportedArchs.add(req.arch())) {
            log.info("DHCP: no boot file for client architecture {} (first seen from {}); such clients get no boot answer",
                    req.arch(), req.mac());
        }
        if (answer.isPresent() && host.id() != null) {
            ahead.booting(host.id(), req.uuid(), host.params());
        }
        return answer;
    }
}
