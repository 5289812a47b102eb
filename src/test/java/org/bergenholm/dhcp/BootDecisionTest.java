package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.Optional;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The boot decision table of issue 5, row by row. */
class BootDecisionTest {
    private static final BootSettings SETTINGS = new BootSettings("http://10.0.0.1:8080", "snponly.efi");
    private static final String MAC = "52:54:00:12:34:56";

    private static Optional<BootAnswer> decide(DHCPPacket p, Map<String, Object> host) {
        return BootDecision.decide(parse(p), host, SETTINGS);
    }

    @ParameterizedTest
    @CsvSource({"0, undionly.kpxe", "6, snponly.efi", "7, snponly.efi", "9, snponly.efi"})
    void pxeFirmwareGetsTheLoaderForItsArchitecture(int arch, String file) {
        assertEquals(Optional.of(new BootAnswer(file, "PXEClient")), decide(pxe(1, MAC, arch), Map.of()));
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "10", "11", "15", "16", "17"})
    void pxeFirmwareOfOtherArchitecturesGetsNoAnswer(int arch) {
        assertEquals(Optional.empty(), decide(pxe(1, MAC, arch), Map.of()));
    }

    @Test
    void efiLoaderIsConfigurable() {
        var answer = BootDecision.decide(parse(pxe(1, MAC, 7)), Map.of(), new BootSettings("http://x", "ipxe.efi"));
        assertEquals("ipxe.efi", answer.orElseThrow().bootFile());
    }

    @Test
    void architectureFromVendorClassWhenOption93IsMissing() {
        DHCPPacket p = pxe(1, MAC, 7);
        p.removeOption((byte) 93);
        assertEquals("snponly.efi", decide(p, Map.of()).orElseThrow().bootFile());
    }

    @ParameterizedTest
    @CsvSource({"0", "7", "9"})
    void ipxeByUserClassGetsTheScriptUrl(int arch) {
        assertEquals(Optional.of(new BootAnswer("http://10.0.0.1:8080/ipxe/script/${uuid}", "PXEClient")),
                decide(ipxe(1, MAC, arch), Map.of()));
    }

    @Test
    void ipxeByRfc3004UserClassOrOption175GetsTheScriptUrl() {
        DHCPPacket encoded = pxe(3, MAC, 0);
        encoded.setOptionRaw((byte) 77, new byte[] {4, 'i', 'P', 'X', 'E'});
        assertEquals("http://10.0.0.1:8080/ipxe/script/${uuid}", decide(encoded, Map.of()).orElseThrow().bootFile());
        DHCPPacket by175 = pxe(3, MAC, 0);
        by175.setOptionRaw((byte) 175, new byte[] {(byte) 0xb1, 1, 1});
        assertEquals("http://10.0.0.1:8080/ipxe/script/${uuid}", decide(by175, Map.of()).orElseThrow().bootFile());
    }

    @Test
    void uefiHttpBootGetsTheHttpUrlWithHttpClientEchoed() {
        DHCPPacket p = pxe(1, MAC, 16);
        p.setOptionAsString((byte) 60, "HTTPClient:Arch:00016:UNDI:003001");
        assertEquals(Optional.of(new BootAnswer("http://10.0.0.1:8080/boot/ipxe.efi", "HTTPClient")), decide(p, Map.of()));
    }

    @Test
    void httpClientOfAnotherArchitectureGetsNothing() {
        DHCPPacket p = pxe(1, MAC, 19);
        p.setOptionAsString((byte) 60, "HTTPClient:Arch:00019:UNDI:003001");
        assertEquals(Optional.empty(), decide(p, Map.of()));
    }

    @Test
    void hostParameterOverridesTheFirmwareBootFileButNotTheIpxeScript() {
        Map<String, Object> host = Map.of("dhcp_bootfile", "custom.kpxe");
        assertEquals("custom.kpxe", decide(pxe(1, MAC, 0), host).orElseThrow().bootFile());
        assertEquals("http://10.0.0.1:8080/ipxe/script/${uuid}", decide(ipxe(1, MAC, 0), host).orElseThrow().bootFile());
    }

    @Test
    void netbootFalseStopsNetworkBootForEveryStage() {
        assertEquals(Optional.empty(), decide(pxe(1, MAC, 0), Map.of("netboot", false)));
        assertEquals(Optional.empty(), decide(ipxe(1, MAC, 0), Map.of("netboot", "false")));
        assertTrue(decide(pxe(1, MAC, 0), Map.of("netboot", true)).isPresent());
    }

    @Test
    void ordinaryClientsGetNoBootAnswer() {
        assertEquals(Optional.empty(), decide(request(1, MAC, 7), Map.of()));
        DHCPPacket linux = request(1, MAC, 7);
        linux.setOptionAsString((byte) 60, "udhcp 1.35.0");
        assertEquals(Optional.empty(), decide(linux, Map.of()));
    }
}
