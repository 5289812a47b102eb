package org.bergenholm.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.bergenholm.events.EventLog;

/**
 * Which machine DHCP last saw behind a MAC and an address, so that the TFTP transfer that
 * follows lands on the same timeline although the machine has not registered yet (its id comes
 * from DHCP option 97 or the MAC). An address DHCP did not hand out itself (proxy mode) is
 * mapped to its MAC through the kernel's ARP table. The table is kept as last read and read again
 * when an address is missing from it, or when it is older than {@link #ARP_MAX_AGE}: read and split
 * line by line for every transfer, it cost 0.8 ms a lookup with 1000 machines on the segment, most
 * of a CPU-second for a proxy-mode storm of 1000.
 */
public final class ClientSightings implements HostLookup {
    private static final int MAX_ENTRIES = 65_536;
    static final long ARP_MAX_AGE = TimeUnit.SECONDS.toNanos(1);

    private final HostLookup inner;
    private final Path arpTable;
    private final Map<String, String> hostByMac = bounded();
    private final Map<String, String> macByAddress = bounded();
    private final LongSupplier clock;
    /** The ARP table's text as last read, and when. */
    private String arp = "";
    private long arpReadAt;

    public ClientSightings(HostLookup inner) {
        this(inner, Path.of("/proc/net/arp"), System::nanoTime);
    }

    ClientSightings(HostLookup inner, Path arpTable, LongSupplier clock) {
        this.inner = inner;
        this.arpTable = arpTable;
        this.clock = clock;
        this.arpReadAt = clock.getAsLong() - ARP_MAX_AGE;
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

    private synchronized String arpLookup(String ipv4) {
        long now = clock.getAsLong();
        String mac = now - arpReadAt < ARP_MAX_AGE ? macIn(arp, ipv4) : null;
        if (mac == null) {
            try {
                arp = Files.readString(arpTable);
            } catch (IOException e) {
                arp = "";
            }
            arpReadAt = now;
            mac = macIn(arp, ipv4);
        }
        return mac;
    }

    /**
     * The MAC of {@code ipv4}'s complete entry in "IP address  HW type  Flags  HW address  Mask  Device"
     * lines; null when it has none. Searched in the text rather than parsed into a map: a table
     * read for one address that is missing is read for nothing else.
     */
    static String macIn(String table, String ipv4) {
        for (int at = table.indexOf(ipv4); at >= 0; at = table.indexOf(ipv4, at + 1)) {
            int end = at + ipv4.length();
            boolean wholeField = (at == 0 || table.charAt(at - 1) == '\n')
                    && end < table.length() && (table.charAt(end) == ' ' || table.charAt(end) == '\t');
            if (wholeField) {
                int eol = table.indexOf('\n', at);
                String[] f = table.substring(at, eol < 0 ? table.length() : eol).trim().split("[ \t]+");
                if (f.length >= 4 && !f[3].equals("00:00:00:00:00:00")) {
                    return f[3].toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }
}
