package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.ip;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** serve's DHCP flags and config-file keys become pools; the command line wins over the file. */
class DhcpOptionsTest {
    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readValue(text, Map.class);
    }

    @Test
    void singlePoolFromFileWithFlagOverridesAndSeveralListedPools() throws Exception {
        Map<String, Object> file = yaml("""
                pool: 10.0.0.100-10.0.0.200
                router: 10.0.0.1
                dns: 10.0.0.1,9.9.9.9
                lease-time: 7200
                efi-loader: ipxe.efi
                pools:
                  - range: 10.20.0.10-10.20.0.20
                    netmask: 255.255.255.0
                    dns: [10.20.0.1]
                    interface: eth2
                """);
        DhcpConfig config = DhcpOptions.from(file, null, null, "10.0.0.254", null, "lab.test", null, null);
        assertEquals("ipxe.efi", config.efiLoader());
        assertEquals(2, config.pools().size());
        Pool first = config.pools().get(0);
        assertEquals(ip("10.0.0.100"), first.first());
        assertEquals(ip("10.0.0.254"), first.router(), "the flag wins over the file");
        assertEquals(List.of(ip("10.0.0.1"), ip("9.9.9.9")), first.dns());
        assertEquals("lab.test", first.domain());
        assertEquals(7200, first.leaseSeconds());
        Pool second = config.pools().get(1);
        assertEquals("eth2", second.iface());
        assertEquals(List.of(ip("10.20.0.1")), second.dns());
        assertEquals(Pool.DEFAULT_LEASE_SECONDS, second.leaseSeconds());
    }

    @Test
    void badPoolsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DhcpOptions.from(Map.of(), "10.0.0.9-10.0.0.1",
                null, null, null, null, null, null)).getMessage().contains("reversed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DhcpOptions.from(Map.of(), "10.0.0.1-10.0.1.9",
                null, null, null, null, null, null)).getMessage().contains("crosses its subnet"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DhcpOptions.from(Map.of(), "10.0.0.1",
                null, null, null, null, null, null)).getMessage().contains("START-END"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DhcpOptions.from(Map.of("pools", List.of(Map.of("netmask", "x"))),
                null, null, null, null, null, null, null)).getMessage().contains("range"));
        assertThrows(IllegalArgumentException.class, () -> DhcpModes.full(List.of(new Segment(null, ip("10.0.0.1"), "http://x")),
                DhcpConfig.defaults(), Ports.STANDARD, ProxyLoopbackTest.HOSTS, BootAhead.NONE, null, null));
        Pool elsewhere = Pool.parse("10.0.7.10-10.0.7.20", null, null, List.of(), null, null, "eth7");
        String unbound = assertThrows(IllegalArgumentException.class, () -> DhcpModes.full(List.of(new Segment("lo", ip("10.0.0.1"),
                "http://x")), DhcpConfig.defaults().withPools(List.of(elsewhere)), Ports.STANDARD, ProxyLoopbackTest.HOSTS, BootAhead.NONE,
                null, null))
                .getMessage();
        assertTrue(unbound.contains("add --interface eth7"), unbound);
    }
}
