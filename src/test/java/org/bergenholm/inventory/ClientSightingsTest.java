package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
        ClientSightings sightings = new ClientSightings(REGISTERED, arp, System::nanoTime);
        sightings.seen("52:54:00:aa:bb:05", "uuid-5", "10.0.0.5");   // full mode: DHCP gave the address
        sightings.seen("52:54:00:AA:BB:07", "uuid-7", null);         // proxy mode: another server did
        assertEquals(Optional.of("uuid-5"), sightings.hostIdByAddress("10.0.0.5"));
        assertEquals(Optional.of("uuid-7"), sightings.hostIdByAddress("10.0.0.7"), "through the ARP table");
        assertEquals(Optional.empty(), sightings.hostIdByAddress("10.0.0.8"), "incomplete ARP entry");
        assertEquals(Optional.of("by-ipaddr"), sightings.hostIdByAddress("10.0.0.9"), "registered hosts' ipaddr still counts");
        assertEquals(Optional.of("uuid-7"), sightings.hostIdByMac("52:54:00:aa:bb:07"));
    }

    private static final String HEADER = "IP address       HW type     Flags       HW address            Mask     Device\n";

    @Test
    void theArpTableIsReadAgainForAnAddressItLacked() throws Exception {
        Path arp = tmp.resolve("arp");
        ClientSightings sightings = afterFirstRead(arp, new AtomicLong(), "52:54:00:aa:bb:08", "uuid-8");
        // A machine that ARPed a moment after the last read: no time has passed, and it is found.
        Files.writeString(arp, "10.0.0.8\t0x1\t0x2\t52:54:00:AA:BB:08\t*\tbr0\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(Optional.of("uuid-8"), sightings.hostIdByAddress("10.0.0.8"));
    }

    @Test
    void anAddressFoundIsAnsweredFromTheTableAsReadUntilItAges() throws Exception {
        Path arp = tmp.resolve("arp");
        AtomicLong now = new AtomicLong();
        ClientSightings sightings = afterFirstRead(arp, now, "52:54:00:aa:bb:09", "uuid-9");
        Files.writeString(arp, HEADER + "10.0.0.7  0x1  0x2  52:54:00:aa:bb:09  *  br0\n"); // the address moved to another machine
        now.addAndGet(ClientSightings.ARP_MAX_AGE - 1);
        assertEquals(Optional.of("uuid-7"), sightings.hostIdByAddress("10.0.0.7"), "not read again for a lookup it answers");
        now.addAndGet(1);
        assertEquals(Optional.of("uuid-9"), sightings.hostIdByAddress("10.0.0.7"), "read again once it is ARP_MAX_AGE old");
    }

    /**
     * Sightings over an ARP table at {@code arp} holding 10.0.0.7, with DHCP having seen uuid-7 there
     * and {@code otherId} at {@code otherMac} (no address): the table read once, through 10.0.0.7.
     */
    private static ClientSightings afterFirstRead(Path arp, AtomicLong now, String otherMac, String otherId) throws Exception {
        Files.writeString(arp, HEADER + "10.0.0.7  0x1  0x2  52:54:00:aa:bb:07  *  br0\n");
        ClientSightings sightings = new ClientSightings(REGISTERED, arp, now::get);
        sightings.seen("52:54:00:aa:bb:07", "uuid-7", null);
        sightings.seen(otherMac, otherId, null);
        assertEquals(Optional.of("uuid-7"), sightings.hostIdByAddress("10.0.0.7"));
        return sightings;
    }

    @Test
    void anAddressMatchesOnlyItsOwnLine() {
        String table = HEADER + "10.0.0.17  0x1  0x2  52:54:00:aa:bb:17  *  br0\n"
                + "10.0.0.1  0x1  0x0  00:00:00:00:00:00  *  br0\n"
                + "10.0.0.1  0x1  0x2  52:54:00:AA:BB:01  *  br1\n";
        assertEquals("52:54:00:aa:bb:01", ClientSightings.macIn(table, "10.0.0.1"), "not 10.0.0.17's, not the incomplete entry");
        assertEquals("52:54:00:aa:bb:17", ClientSightings.macIn(table, "10.0.0.17"));
        assertEquals(null, ClientSightings.macIn(table, "10.0.0.2"));
        assertEquals(null, ClientSightings.macIn(table, "0.0.1"), "a match inside another address");
    }
}
