package org.bergenholm.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.tftp.TftpConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor against a real segment: a veth pair whose far end lives in a network namespace,
 * where dnsmasq (Debian dnsmasq-base) plays the network's existing DHCP server; a second pair with
 * no DHCP server proves that each interface is checked and probed on its own.
 */
class DoctorTest {
    private static final String NS = "bhdoc" + ProcessHandle.current().pid();
    private static final String NEAR = "bhd" + ProcessHandle.current().pid() % 100000 + "a";
    private static final String FAR = "bhd" + ProcessHandle.current().pid() % 100000 + "b";
    /** A second segment with no DHCP server on it, for the doctor's check of each interface. */
    private static final String NEAR2 = "bhd" + ProcessHandle.current().pid() % 100000 + "c";
    private static final String FAR2 = "bhd" + ProcessHandle.current().pid() % 100000 + "d";

    @TempDir Path tmp;

    static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @BeforeAll
    static void segments() throws Exception {
        sh("ip", "netns", "add", NS);
        sh("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up");
        veth(NEAR, FAR, "10.79.0");
        veth(NEAR2, FAR2, "10.78.0");
    }

    /** A veth pair: {@code near} here with NET.1/24, {@code far} in the namespace with NET.2/24. */
    private static void veth(String near, String far, String net) throws Exception {
        sh("ip", "link", "add", near, "type", "veth", "peer", "name", far);
        sh("ip", "link", "set", far, "netns", NS);
        sh("ip", "addr", "add", net + ".1/24", "brd", "+", "dev", near);
        sh("ip", "link", "set", near, "up");
        sh("ip", "netns", "exec", NS, "ip", "addr", "add", net + ".2/24", "dev", far);
        sh("ip", "netns", "exec", NS, "ip", "link", "set", far, "up");
    }

    @AfterAll
    static void removeSegment() throws Exception {
        new ProcessBuilder("ip", "link", "del", NEAR).start().waitFor();
        new ProcessBuilder("ip", "link", "del", NEAR2).start().waitFor();
        new ProcessBuilder("ip", "netns", "del", NS).start().waitFor();
    }

    private ApplianceConfig config(String dhcp, String... interfaces) throws Exception {
        return new ApplianceConfig("127.0.0.1", 18181,
                TftpConfig.defaults().withPort(16971).withListenAddress(java.net.InetAddress.getLoopbackAddress()),
                dhcp, List.of(interfaces), interfaces.length > 1 ? null : "10.79.0.1", "http://10.79.0.1", null, tmp.resolve("db"), Path.of("/usr/lib/ipxe"), "none", 10);
    }

    private static Finding find(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst().orElseThrow(() -> new AssertionError("no " + check + " in " + findings));
    }

    @Test
    void healthySetupPassesAndAnotherDhcpServerIsFound() throws Exception {
        Process dnsmasq = new ProcessBuilder("ip", "netns", "exec", NS, "dnsmasq", "--no-daemon", "--port=0",
                "--interface=" + FAR, "--bind-interfaces", "--no-ping", "--dhcp-range=10.79.0.50,10.79.0.99,1h",
                "--dhcp-leasefile=" + tmp.resolve("leases"), "--pid-file=" + tmp.resolve("pid"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("dnsmasq.log").toFile()).start();
        try {
            Thread.sleep(500);
            assertTrue(dnsmasq.isAlive(), "dnsmasq must run: " + Files.readString(tmp.resolve("dnsmasq.log")));
            List<Finding> proxy = new Doctor(config("proxy", NEAR), Duration.ofSeconds(3)).run();
            assertTrue(proxy.stream().allMatch(Finding::ok), proxy.toString());
            assertTrue(find(proxy, "other dhcp server").detail().contains("10.79.0.2"), proxy.toString());

            List<Finding> full = new Doctor(config("full", NEAR), Duration.ofSeconds(3)).run();
            Finding other = find(full, "other dhcp server");
            assertTrue(!other.ok() && other.fix().contains("--dhcp proxy"), other.line());

            List<Finding> both = new Doctor(config("proxy", NEAR, NEAR2), Duration.ofSeconds(3)).run();
            List<Finding> interfaces = both.stream().filter(f -> f.check().equals("interface")).toList();
            assertEquals(2, interfaces.size(), both.toString());
            assertTrue(interfaces.get(0).ok() && interfaces.get(0).detail().contains("10.79.0.1"), both.toString());
            assertTrue(interfaces.get(1).ok() && interfaces.get(1).detail().contains("10.78.0.1"), both.toString());
            List<Finding> probes = both.stream().filter(f -> f.check().equals("other dhcp server")).toList();
            assertEquals(2, probes.size(), both.toString());
            assertTrue(probes.get(0).ok() && probes.get(0).detail().contains("10.79.0.2 hands out addresses on " + NEAR), both.toString());
            assertTrue(!probes.get(1).ok() && probes.get(1).detail().contains("none answered on " + NEAR2), both.toString());
        } finally {
            dnsmasq.destroy();
            dnsmasq.waitFor(5, TimeUnit.SECONDS);
        }
        List<Finding> alone = new Doctor(config("proxy", NEAR), Duration.ofMillis(1500)).run();
        Finding none = find(alone, "other dhcp server");
        assertTrue(!none.ok() && none.fix().contains("--dhcp full"), none.line());
    }

    @Test
    void eachProblemIsOneFailingLineWithItsFix() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(18181, 1, java.net.InetAddress.getLoopbackAddress())) {
            ApplianceConfig c = new ApplianceConfig("127.0.0.1", 18181, null, "full", List.of("nosuch0"), "10.79.0.1",
                    "http://10.79.0.1", null, tmp.resolve("db"), tmp, "none", 10);
            List<Finding> findings = new Doctor(c, Duration.ofMillis(100)).run();
            assertEquals(List.of(false, false, false, true), findings.stream().map(Finding::ok).toList(), findings.toString());
            assertTrue(find(findings, "interface").line().contains("nosuch0 does not exist"));
            assertTrue(find(findings, "ports").line().contains("tcp/18181"));
            assertTrue(find(findings, "ipxe binaries").line().contains("fill-from-debian.sh"));
            findings.forEach(f -> assertEquals(1, f.line().lines().count()));
        }
    }
}
