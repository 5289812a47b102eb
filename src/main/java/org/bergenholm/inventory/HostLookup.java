package org.bergenholm.inventory;

import java.util.Map;
import java.util.Optional;

/** What the protocol servers (DHCP, TFTP, images) may ask of the inventory. */
public interface HostLookup {
    /** Resolved parameters (`params=all`) of the host stored under this id; empty if none is stored. */
    Optional<Map<String, Object>> resolve(String hostId);

    /** Id of the host whose stored parameter `mac` equals this MAC (lower-case, colon-separated). */
    Optional<String> hostIdByMac(String mac);

    /** Id of the host whose stored parameter `ipaddr` equals this IPv4 address. */
    Optional<String> hostIdByAddress(String ipv4);
}
