package org.bergenholm.dhcp;

import java.util.Map;
import java.util.Optional;
import org.bergenholm.inventory.HostLookup;

/**
 * The inventory host a client is: the host stored under its UUID (option 97, which is
 * what ${uuid} names in iPXE URLs), else the host whose `mac` parameter is its MAC.
 *
 * @param id the stored host id, or null for an unknown machine
 */
record HostMatch(String id, Map<String, Object> params) {

    static HostMatch find(HostLookup hosts, DhcpRequest req) {
        if (req.uuid() != null) {
            Optional<Map<String, Object>> byUuid = hosts.resolve(req.uuid());
            if (byUuid.isPresent()) {
                return new HostMatch(req.uuid(), byUuid.get());
            }
        }
        Optional<String> byMac = hosts.hostIdByMac(req.mac());
        if (byMac.isPresent()) {
            Optional<Map<String, Object>> params = hosts.resolve(byMac.get());
            if (params.isPresent()) {
                return new HostMatch(byMac.get(), params.get());
            }
        }
        return new HostMatch(null, Map.of());
    }

    /** The timeline the events go to: the host, else the UUID or MAC it will be known by. */
    String timeline(DhcpRequest req) {
        return id != null ? id : req.uuid() != null ? req.uuid() : req.mac();
    }
}
