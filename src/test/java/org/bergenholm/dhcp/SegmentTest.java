package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which base URL each interface's answers name when the appliance serves several networks. */
class SegmentTest {
    @Test
    void aBaseUrlNamingTheServerAddressNamesEachInterfacesOwn() {
        assertEquals("http://10.2.0.1", Segment.withHost("http://10.1.0.1", "10.1.0.1", "10.2.0.1"));
        assertEquals("http://10.2.0.1:8080/boot", Segment.withHost("http://10.1.0.1:8080/boot", "10.1.0.1", "10.2.0.1"));
        assertEquals("https://10.2.0.1/", Segment.withHost("https://10.1.0.1/", "10.1.0.1", "10.2.0.1"));
    }

    @Test
    void anyOtherBaseUrlIsKept() {
        assertEquals("http://boot.lab.example", Segment.withHost("http://boot.lab.example", "10.1.0.1", "10.2.0.1"));
        assertEquals("http://10.1.0.10:8080", Segment.withHost("http://10.1.0.10:8080", "10.1.0.1", "10.2.0.1"),
                "an address that only starts with the server's");
        assertEquals("ftp://10.1.0.1", Segment.withHost("ftp://10.1.0.1", "10.1.0.1", "10.2.0.1"));
    }

    @Test
    void oneInterfaceOrNoneKeepsTheConfiguredAddressAndUrl() throws Exception {
        java.net.InetAddress server = Pool.ipv4("10.1.0.1");
        assertEquals(List.of(new Segment(null, server, "http://x")), Segment.of(List.of(), server, "http://x"));
        assertEquals(List.of(new Segment("eth7", server, "http://x")), Segment.of(List.of("eth7"), server, "http://x"));
        assertThrows(IllegalArgumentException.class, () -> Segment.of(List.of("lo", "lo"), server, "http://x"));
    }
}
