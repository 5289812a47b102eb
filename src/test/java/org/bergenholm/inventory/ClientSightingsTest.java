package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSightingsTest {
    @TempDir Path tmp;

    private static final HostLookup REGISTERED = new HostLookup() {
        public Optional<Map<String, Object>> resolve(String id) { return Optional.empty(); }
        public Optional<String> hostIdByMac(String mac) { return Optional.empty(); }
        public Optional<String> hostIdByAddress(String ip) { return ip.equals("10.0.0.9") ? Optional.of("by-ipaddr") : Optional.empty(); }
    };

    @Test
    void anAddressLeadsToTheMachineDhcpSaw() throws Exception {
        Path arp = Files.writeString(tmp.resolve("arp"), """
                IP address       HW type     Flags       HW address            Mask     Device
                10.0.0.7         0x1         0x2         52:54:00:AA:BB:07     *        br0
                10.0.0.8         0x1         0x0         00:00:00:00:00:00     *        br0
                """);
        ClientSightings sightings = new ClientSightings(REGISTERED, arp);
        sightings.seen("52:54:00:aa:bb:05", "uuid-5", "10.0.0.5");   // full mode: DHCP gave the address
        sightings.seen("52:54:00:AA:BB:07", "uuid-7", null);         // proxy mode: another server did
        assertEquals(Optional.of("uuid-5"), sightings.hostIdByAddress("10.0.0.5"));
        assertEquals(Optional.of("uuid-7"), sightings.hostIdByAddress("10.0.0.7"), "through the ARP table");
        assertEquals(Optional.empty(), sightings.hostIdByAddress("10.0.0.8"), "incomplete ARP entry");
        assertEquals(Optional.of("by-ipaddr"), sightings.hostIdByAddress("10.0.0.9"), "registered hosts' ipaddr still counts");
        assertEquals(Optional.of("uuid-7"), sightings.hostIdByMac("52:54:00:aa:bb:07"));
    }
}
