package org.bergenholm.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real firmware boots through the appliance (target/bergenholm.jar, so this runs in `mvn verify`
 * after `package`) on a lab network. Each scenario has its
 * own lab and timeout; a failure names the step that did not happen and prints consoles and logs.
 */
class BootLabIT {
    @TempDir Path dir;

    @Test
    void biosIpxeRomInFullDhcpModeRegistersAnUnknownMachine() throws Exception {
        String uuid = "5b1e0001-0000-4000-8000-000000000001";
        try (Lab lab = new Lab(dir)) {
            lab.appliance("--dhcp", "full", "--pool", "10.80.0.100-10.80.0.199", "--router", "10.80.0.1");
            lab.vm(1, "bios", uuid);
            lab.await("the machine registers itself", Duration.ofSeconds(150), "/hosts/", body -> body.contains(uuid));
            String events = lab.await("its timeline shows DHCP, script and registration", Duration.ofSeconds(10),
                    "/hosts/" + uuid + "/events", body -> body.contains("register"));
            assertTrue(events.contains("dhcp"), events);
        }
    }

    /** Boots guest 1 with {@code firmware} and waits until it has registered itself. */
    private static String registers(Lab lab, String firmware, String uuid) throws Exception {
        lab.vm(1, firmware, uuid);
        lab.await("the machine registers itself", Duration.ofSeconds(240), "/hosts/", body -> body.contains(uuid));
        return lab.await("its timeline shows the registration", Duration.ofSeconds(10),
                "/hosts/" + uuid + "/events", body -> body.contains("register"));
    }

    @Test
    void uefiPxeLoadsSnponlyOverTftpThenRegisters() throws Exception {
        String uuid = "5b1e0002-0000-4000-8000-000000000002";
        try (Lab lab = new Lab(dir)) {
            lab.appliance("--dhcp", "full", "--pool", "10.80.0.100-10.80.0.199", "--router", "10.80.0.1", "--tftp-port", "69");
            String events = registers(lab, "uefi", uuid);
            assertTrue(events.contains("tftp served snponly.efi"), events);
        }
    }

    @Test
    void proxyModeBesideDnsmasqBootsUefi() throws Exception {
        String uuid = "5b1e0003-0000-4000-8000-000000000003";
        try (Lab lab = new Lab(dir)) {
            lab.start("dnsmasq.log", "dnsmasq", "--no-daemon", "--port=0", "--interface=br0", "--bind-interfaces", "--no-ping",
                    "--dhcp-range=10.80.0.100,10.80.0.199,1h", "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"), "--log-dhcp");
            lab.appliance("--dhcp", "proxy", "--tftp-port", "69");
            String events = registers(lab, "uefi", uuid);
            assertTrue(events.contains("tftp served snponly.efi"), events);
            assertTrue(java.nio.file.Files.readString(dir.resolve("dnsmasq.leases")).contains("52:54:00:80:00:01"),
                    "the address came from dnsmasq");
        }
    }

    @Test
    void uefiHttpBootWithTftpOff() throws Exception {
        String uuid = "5b1e0004-0000-4000-8000-000000000004";
        try (Lab lab = new Lab(dir)) {
            lab.appliance("--dhcp", "full", "--pool", "10.80.0.100-10.80.0.199", "--router", "10.80.0.1", "--tftp-port", "0");
            String events = registers(lab, "uefi", uuid);
            assertTrue(!events.contains("tftp"), events);
        }
    }

    /**
     * The whole cycle: register, join an install group, boot Debian's kernel and an initramfs
     * streamed (and cached) from a mirror, fetch the rendered kickstart, mark installed, boot locally.
     */
    @Test
    void provisioningCycleInstallsAndThenBootsLocally() throws Exception {
        String uuid = "5b1e0005-0000-4000-8000-000000000005";
        Path mirror = java.nio.file.Files.createDirectories(dir.resolve("mirror"));
        Process build = new ProcessBuilder("appliance/lab/make-install-image.sh", mirror.toString()).redirectErrorStream(true).start();
        String built = new String(build.getInputStream().readAllBytes());
        assertTrue(build.waitFor() == 0, "building the installer image failed: " + built);
        try (Lab lab = new Lab(dir)) {
            lab.start("mirror.log", "busybox", "httpd", "-f", "-p", Lab.SERVER + ":8080", "-h", mirror.toString());
            lab.appliance("--dhcp", "full", "--pool", "10.80.0.100-10.80.0.199", "--router", "10.80.0.1");
            Process first = lab.vm(1, "bios", uuid);
            lab.await("the machine registers itself", Duration.ofSeconds(150), "/hosts/", body -> body.contains(uuid));
            first.destroy();
            first.waitFor();

            String marker = "lab-marker-" + System.nanoTime();
            assertTrue(lab.send("POST", "/templates/lab.ks", "# kickstart for {{uuid}}\nmarker {{lab_marker}}\n").statusCode() == 201);
            assertTrue(lab.send("POST", "/groups/lab-install", """
                    {"groups": ["linux"], "lab_marker": "%s",
                     "kernel": "http://%s:8080/vmlinuz", "module": "http://%s:8080/initrd.gz",
                     "kernel_opts": "console=ttyS0 panic=-1 bh_ks={{base_url}}/api/1.0/templates/lab.ks/{{uuid}} bh_expect={{lab_marker}} bh_installed={{installed_url}}"}
                    """.formatted(marker, Lab.SERVER, Lab.SERVER)).statusCode() == 201);
            com.fasterxml.jackson.databind.node.ObjectNode host = (com.fasterxml.jackson.databind.node.ObjectNode)
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(lab.get("/hosts/" + uuid).body());
            host.putArray("groups").add("lab-install");
            assertTrue(lab.send("PUT", "/hosts/" + uuid, host.toString()).statusCode() == 202);

            Process install = lab.vm(1, "bios", uuid);
            lab.await("the installer marks the host installed", Duration.ofSeconds(300), "/hosts/" + uuid,
                    body -> body.contains("\"installed\""));
            assertTrue(install.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the installer powers the machine off");
            assertTrue(java.nio.file.Files.readString(dir.resolve("vm1.log")).contains("INSTALL-OK"));

            lab.vm(1, "bios", uuid);
            String events = lab.await("the installed machine gets the local-boot script", Duration.ofSeconds(150),
                    "/hosts/" + uuid + "/events", body -> body.contains("localboot.ipxe"));
            assertInOrder(events, "registered", "dhcp ack", "script served", "initrd 0 served", "kernel served",
                    "template rendered", "installed marked", "localboot.ipxe");
            String cached = lab.get("/images").body();
            assertTrue(cached.contains("/vmlinuz") && cached.contains("/initrd.gz") && !cached.contains("\"complete\":false"),
                    "the images came through the cache: " + cached);
            // Fetched when the firmware's DHCP was answered, seconds before iPXE asked for them (ImagesAhead).
            assertTrue(events.matches("(?s).*\"initrd 0 served\"[^}]*\"cache\":\"hit\".*")
                    && events.matches("(?s).*\"kernel served\"[^}]*\"cache\":\"hit\".*"), "the images were fetched ahead: " + events);
        }
    }

    private static void assertInOrder(String text, String... steps) {
        int at = 0;
        for (String step : steps) {
            int found = text.indexOf(step, at);
            assertTrue(found >= 0, "timeline lacks '" + step + "' after position " + at + ": " + text);
            at = found;
        }
    }
}
