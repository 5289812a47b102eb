package org.bergenholm.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bergenholm.events.EventLog;

/**
 * Which machine DHCP last saw behind a MAC and an address, so that the TFTP transfer that
 * follows lands on the same timeline although the machine has not registered yet (its id comes
 * from DHCP option 97 or the MAC). An address DHCP did not hand out itself (proxy mode) is
 * mapped to its MAC through the kernel's ARP table.
 */
public final class ClientSightings implements HostLookup {
    private static final int MAX_ENTRIES = 65_536;

    private final HostLookup inner;
    private final Path arpTable;
    private final Map<String, String> hostByMac = bounded();
    private final Map<String, String> macByAddress = bounded();

    public ClientSightings(HostLookup inner) {
        this(inner, Path.of("/proc/net/arp"));
    }

    ClientSightings(HostLookup inner, Path arpTable) {
        this.inner = inner;
        this.arpTable = arpTable;
    }

    private static Map<String, String> bounded() {
        return Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > MAX_ENTRIES;
            }
        });
    }

    /** DHCP saw {@code mac} as {@code hostId}, at {@code address} when it knows one (null otherwise). */
    public void seen(String mac, String hostId, String address) {
        String m = mac.toLowerCase(Locale.ROOT);
        hostByMac.put(m, hostId);
        if (address != null && !address.equals("0.0.0.0")) {
            macByAddress.put(address, m);
        }
    }

    /**
     * The DHCP server's event log, noting each machine it answers on the way: its events carry
     * the MAC and, in full mode, the address, which is all a sighting needs.
     */
    public EventLog noting(EventLog inner) {
        return (hostId, step, details) -> {
            if (step.startsWith("dhcp") && details.get("mac") instanceof String mac) {
                seen(mac, hostId, details.get("address") instanceof String a ? a : null);
            }
            inner.record(hostId, step, details);
        };
    }

    @Override
    public Optional<String> hostIdByAddress(String ipv4) {
        String mac = macByAddress.get(ipv4);
        if (mac == null && !hostByMac.isEmpty()) { // the ARP table only helps to a MAC DHCP has seen
            mac = arpLookup(ipv4);
        }
        String hostId = mac == null ? null : hostByMac.get(mac);
        return hostId != null ? Optional.of(hostId) : inner.hostIdByAddress(ipv4);
    }

    @Override
    public Optional<String> hostIdByMac(String mac) {
        String hostId = hostByMac.get(mac.toLowerCase(Locale.ROOT));
        return hostId != null ? Optional.of(hostId) : inner.hostIdByMac(mac);
    }

    @Override
    public Optional<Map<String, Object>> resolve(String hostId) {
        return inner.resolve(hostId);
    }

    /** "IP address  HW type  Flags  HW address  Mask  Device" lines; complete entries only. */
    private String arpLookup(String ipv4) {
        try {
            for (String line : Files.readAllLines(arpTable)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].equals(ipv4) && !f[3].equals("00:00:00:00:00:00")) {
                    return f[3].toLowerCase(Locale.ROOT);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
