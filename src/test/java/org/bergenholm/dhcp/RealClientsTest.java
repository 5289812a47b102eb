package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bergenholm.Appliance;
import org.bergenholm.config.ApplianceConfig;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole appliance with DHCP on a bridge, real clients in network namespaces on it:
 * dhclient in full mode; busybox udhcpc as PXE firmware in proxy mode beside dnsmasq.
 */
class RealClientsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir Path dir;
    private Lab lab;
    private Lab otherLab;
    private Appliance appliance;

    @AfterEach
    void tearDown() {
        if (appliance != null) {
            appliance.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (otherLab != null) {
            otherLab.close();
        }
    }

    /** A multi-homed box: bound to one bridge, the appliance leaves the network on the other bridge alone. */
    @Test
    void answersOnlyOnItsInterface() throws Exception {
        Lab.requireTool("/usr/bin/busybox", "busybox");
        twoLabs();
        Lab.Node mine = lab.node("m", null);
        Lab.Node elsewhere = otherLab.node("o", null);
        startAppliance("full", DhcpConfig.defaults().withPools(List.of(Pool.parse(lab.address(100) + "-" + lab.address(150),
                "255.255.255.0", null, List.of(), null, 600, null))));
        List<String> udhcpc = List.of("/usr/bin/busybox", "udhcpc", "-f", "-q", "-n", "-t", "3", "-T", "1", "-s", "/bin/true", "-i");
        List<String> other = new java.util.ArrayList<>(elsewhere.exec(udhcpc.toArray(new String[0])));
        other.add(elsewhere.iface());
        assertNotEquals(0, Lab.status(other, 30), "a client on the other network got a lease");
        assertEquals(0, appliance.dhcp().counters().received().get(), "packets from the other network reached the server");
        List<String> own = new java.util.ArrayList<>(mine.exec(udhcpc.toArray(new String[0])));
        own.add(mine.iface());
        assertEquals(0, Lab.status(own, 30), "the client on the appliance's interface got no lease");
    }

    /**
     * A box on two lab networks: each network's clients get an address from that network's pool,
     * and the server identifier, next-server and iPXE script URL of the appliance's address there.
     */
    @Test
    void onTwoInterfacesEachNetworkGetsItsOwnPoolAndServerAddress() throws Exception {
        Lab.requireTool("/usr/bin/busybox", "busybox");
        twoLabs();
        Lab.Node here = lab.node("h", null);
        Lab.Node there = otherLab.node("t", null);
        List<Pool> pools = List.of(
                Pool.parse(otherLab.address(200) + "-" + otherLab.address(210), "255.255.255.0", null, List.of(), null, 600, otherLab.bridge),
                Pool.parse(lab.address(100) + "-" + lab.address(110), "255.255.255.0", null, List.of(), null, 600, lab.bridge));
        appliance = new Appliance(new ApplianceConfig("127.0.0.1", 0, null, "full", List.of(lab.bridge, otherLab.bridge),
                lab.address(1), "http://" + lab.address(1) + ":8080", null, dir.resolve("data"), null, "none", 100,
                org.bergenholm.images.ImageCacheConfig.defaults(), DhcpConfig.defaults().withPools(pools)));
        String[] firmware = {"-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000"};
        String[] ipxe = {"-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000", "-x", "0x4d:69505845"};
        for (Lab network : List.of(lab, otherLab)) {
            Lab.Node client = network == lab ? here : there;
            String pool = network == lab ? "\\.1(0\\d|10)\\b" : "\\.2(0\\d|10)\\b";
            String firmwareLease = udhcpc(client, client.ns() + "-pxe", firmware);
            assertTrue(firmwareLease.matches("(?s).*\\bip=10\\.77\\." + network.subnet + pool + ".*"), firmwareLease);
            assertTrue(firmwareLease.contains("serverid=" + network.address(1) + "\n"), firmwareLease);
            assertTrue(firmwareLease.contains("siaddr=" + network.address(1) + "\n"), firmwareLease);
            assertTrue(firmwareLease.contains("boot_file=undionly.kpxe"), firmwareLease);
            String ipxeLease = udhcpc(client, client.ns() + "-ipxe", ipxe);
            assertTrue(ipxeLease.contains("boot_file=http://" + network.address(1) + ":8080/ipxe/script/${uuid}"), ipxeLease);
        }
    }

    /** Two bridges with different subnets. */
    private void twoLabs() throws Exception {
        lab = new Lab();
        otherLab = new Lab();
        while (otherLab.subnet == lab.subnet) {
            otherLab.close();
            otherLab = new Lab();
        }
    }

    private void startAppliance(String mode, DhcpConfig dhcp) throws Exception {
        appliance = new Appliance(new ApplianceConfig("127.0.0.1", 0, null, mode, List.of(lab.bridge), lab.address(1),
                "http://" + lab.address(1), null, dir.resolve("data"), null, "none", 100,
                org.bergenholm.images.ImageCacheConfig.defaults(), dhcp));
    }

    private int post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliance.httpPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliance.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void dhclientGetsAPoolAddressStoredAsALease() throws Exception {
        Lab.requireTool("/usr/sbin/dhclient", "isc-dhcp-client");
        lab = new Lab();
        Lab.Node client = lab.node("c", null);
        startAppliance("full", DhcpConfig.defaults().withPools(List.of(Pool.parse(lab.address(100) + "-" + lab.address(150),
                "255.255.255.0", lab.address(1), List.of(lab.address(1)), "lab.test", 600, null))));
        String leased = dhclient(client);
        assertTrue(leased.startsWith("10.77." + lab.subnet + "."), leased);
        int host = Integer.parseInt(leased.substring(leased.lastIndexOf('.') + 1));
        assertTrue(host >= 100 && host <= 150, leased);
        Document d = appliance.database().mongo().getCollection("leases").find(new Document("_id", leased)).first();
        assertNotNull(d, "lease stored");
        assertEquals(client.mac(), d.getString("mac"));
        assertEquals("bound", d.getString("state"));
        String metrics = get("/metrics");
        String pool = lab.address(100) + "-" + lab.address(150);
        assertTrue(metrics.contains("bergenholm_dhcp_leases_in_use{pool=\"" + pool + "\"} 1.0"), metrics);
        assertTrue(metrics.contains("bergenholm_dhcp_messages_total{type=\"ack\"} 1.0"), metrics);
        assertTrue(metrics.contains("bergenholm_dhcp_packets_total{outcome=\"received\"}"), metrics);
    }

    @Test
    void dhclientOfAReservedHostGetsItsAddressAndTheAckIsOnItsTimeline() throws Exception {
        Lab.requireTool("/usr/sbin/dhclient", "isc-dhcp-client");
        lab = new Lab();
        Lab.Node client = lab.node("r", null);
        startAppliance("full", DhcpConfig.defaults().withPools(List.of(Pool.parse(lab.address(100) + "-" + lab.address(150),
                "255.255.255.0", lab.address(1), List.of(), null, 600, null))));
        assertEquals(201, post("/api/1.0/hosts/lab-host",
                "{\"mac\": \"" + client.mac() + "\", \"ipaddr\": \"" + lab.address(42) + "\"}"));
        assertEquals(lab.address(42), dhclient(client));
        long end = System.currentTimeMillis() + 5000;
        String events = get("/api/1.0/hosts/lab-host/events");
        while (!events.contains("dhcp ack") && System.currentTimeMillis() < end) {
            Thread.sleep(100);
            events = get("/api/1.0/hosts/lab-host/events");
        }
        assertTrue(events.contains("dhcp ack") && events.contains(lab.address(42)), events);
    }

    /** Runs dhclient once in the node's namespace; returns the address it was given. */
    private String dhclient(Lab.Node client) throws Exception {
        Path leases = dir.resolve(client.ns() + ".leases");
        Path pid = dir.resolve(client.ns() + ".pid");
        // /bin/true as the script: the lease is what we check; configuring the interface is not our business.
        Lab.run(client.exec("/usr/sbin/dhclient", "-1", "-v", "-sf", "/bin/true", "-lf", leases.toString(),
                "-pf", pid.toString(), client.iface()), 60);
        String text = Files.readString(leases);
        var m = java.util.regex.Pattern.compile("fixed-address ([0-9.]+);").matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    /**
     * udhcpc takes the first offer it hears, so one run cannot merge dnsmasq's address with our
     * boot file as PXE firmware does. Two clients show both halves: firmware that dnsmasq
     * serves is offered an address by dnsmasq and the boot file by the appliance beside it;
     * firmware that dnsmasq ignores takes the appliance's offer and gets the boot file, no address.
     */
    @Test
    void pxeFirmwareGetsItsBootFileFromTheProxyAndOrdinaryClientsAreLeftToDnsmasq() throws Exception {
        Lab.requireTool("/usr/sbin/dnsmasq", "dnsmasq-base");
        Lab.requireTool("/usr/bin/busybox", "busybox");
        lab = new Lab();
        Lab.Node dhcpServer = lab.node("d", lab.address(2));
        Lab.Node client = lab.node("p", null);
        Lab.Node ignored = lab.node("q", null);
        lab.background(dhcpServer.exec("/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                "--user=root", "--interface=" + dhcpServer.iface(), "--bind-interfaces", "--log-dhcp",
                "--dhcp-range=" + lab.address(50) + "," + lab.address(60) + ",255.255.255.0,2m",
                "--dhcp-host=" + ignored.mac() + ",ignore",
                "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"), "--pid-file="), dir.resolve("dnsmasq.log"));
        startAppliance("proxy", DhcpConfig.defaults());
        String dnsmasqRange = "(?s).*\\bip=10\\.77\\." + lab.subnet + "\\.(5\\d|60)\\b.*";

        String plain = udhcpc(client, "plain");
        assertTrue(plain.matches(dnsmasqRange), plain);
        assertFalse(plain.contains("boot_file="), plain);
        DhcpCounters counters = appliance.dhcp().counters();
        assertEquals(0, counters.offers().get() + counters.acks().get(), "the proxy never answers a non-PXE client");
        assertTrue(counters.ignored().get() >= 2, "DISCOVER and REQUEST seen and ignored");

        String[] firmware = {"-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000",
            "-x", "0x61:00112233445566778899aabbccddeeff00"};
        long dnsmasqOffers = dnsmasqOffersTo(client);
        String served = udhcpc(client, "pxe", firmware);
        // Which offer udhcpc hears first is a race; both must have been made.
        assertTrue(served.matches(dnsmasqRange) || served.contains("boot_file=undionly.kpxe"), served);
        assertTrue(counters.offers().get() >= 1, "the appliance offered the boot file beside dnsmasq's offer");
        long end = System.currentTimeMillis() + 5000;
        while (dnsmasqOffersTo(client) == dnsmasqOffers && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertTrue(dnsmasqOffersTo(client) > dnsmasqOffers, "dnsmasq offered the PXE client an address");

        String fromProxy = udhcpc(ignored, "pxe-proxy", firmware);
        assertTrue(fromProxy.contains("boot_file=undionly.kpxe"), fromProxy);
        assertTrue(fromProxy.contains("siaddr=" + lab.address(1)), fromProxy);
        assertTrue(fromProxy.contains("serverid=" + lab.address(1)), fromProxy);
        assertTrue(fromProxy.contains("ip=0.0.0.0"), "a proxy gives no address: " + fromProxy);
    }

    private long dnsmasqOffersTo(Lab.Node client) throws Exception {
        return Files.readAllLines(dir.resolve("dnsmasq.log")).stream()
                .filter(line -> line.contains("DHCPOFFER") && line.toLowerCase().contains(client.mac().toLowerCase())).count();
    }

    /** DHCP answers from memory, but a host written through the API is in that memory before the API answers. */
    @Test
    void proxyAnswersFollowHostChangesMadeThroughTheApi() throws Exception {
        Lab.requireTool("/usr/bin/busybox", "busybox");
        lab = new Lab();
        Lab.Node client = lab.node("f", null);
        startAppliance("proxy", DhcpConfig.defaults());
        String[] firmware = {"-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000"};
        assertTrue(udhcpc(client, "default", firmware).contains("boot_file=undionly.kpxe"));
        assertEquals(201, post("/api/1.0/hosts/api-host", "{\"mac\": \"" + client.mac() + "\", \"dhcp_bootfile\": \"first.kpxe\"}"));
        assertTrue(udhcpc(client, "created", firmware).contains("boot_file=first.kpxe"));
        assertEquals(202, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliance.httpPort()
                + "/api/1.0/hosts/api-host")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"mac\": \"" + client.mac() + "\", \"dhcp_bootfile\": \"second.kpxe\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(udhcpc(client, "changed", firmware).contains("boot_file=second.kpxe"));
    }

    /**
     * A known machine's first DHCP packet starts the download of the images its script fetches
     * through the appliance, before the machine has asked for anything over HTTP; an image its
     * parameters name that the script does not fetch stays upstream.
     */
    @Test
    void pxeFirmwareOfAKnownHostStartsTheFetchOfItsScriptsImages() throws Exception {
        Lab.requireTool("/usr/bin/busybox", "busybox");
        lab = new Lab();
        Lab.Node client = lab.node("a", null);
        List<String> fetched = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer upstream = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            fetched.add(exchange.getRequestURI().getPath());
            byte[] body = new byte[64 << 10];
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        try {
            startAppliance("full", DhcpConfig.defaults().withPools(List.of(Pool.parse(lab.address(100) + "-" + lab.address(150),
                    "255.255.255.0", null, List.of(), null, 600, null))));
            String option97 = "00112233445566778899aabbccddeeff00";
            String uuid = DhcpRequest.uuid(java.util.HexFormat.of().parseHex(option97));
            String mirror = "http://127.0.0.1:" + upstream.getAddress().getPort();
            assertEquals(201, post("/api/1.0/templates/ahead.ipxe", "#!ipxe\ninitrd http://" + lab.address(1)
                    + "/ipxe/initrd/${uuid}/0\nkernel http://" + lab.address(1) + "/ipxe/kernel/${uuid}\nboot\n"));
            assertEquals(201, post("/api/1.0/hosts/" + uuid, "{\"ipxe_script\": \"ahead.ipxe\", \"kernel\": \"" + mirror
                    + "/vmlinuz\", \"module0\": \"" + mirror + "/initrd.img\", \"module1\": \"" + mirror + "/unused.img\"}"));
            Thread.sleep(1500); // the script is rendered ahead meanwhile, as for a machine powered on after its host was written
            assertEquals(List.of(), fetched, "writing the host fetched nothing");

            String[] firmware = {"-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000", "-x", "0x61:" + option97};
            assertTrue(udhcpc(client, "ahead", firmware).contains("boot_file=undionly.kpxe"));
            long end = System.currentTimeMillis() + 5000;
            while (fetched.size() < 2 && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertEquals(java.util.Set.of("/vmlinuz", "/initrd.img"), java.util.Set.copyOf(fetched),
                    "the firmware's DHCP alone had the cache fetch the script's images: " + fetched);
            String cached = get("/api/1.0/images");
            assertTrue(cached.contains(mirror + "/vmlinuz") && cached.contains(mirror + "/initrd.img"), cached);
            assertFalse(cached.contains("unused.img"), cached);
        } finally {
            upstream.stop(0);
        }
    }

    /** Runs udhcpc once; returns the environment its script saw when the lease was bound. */
    private String udhcpc(Lab.Node client, String name, String... options) throws Exception {
        Path script = dir.resolve(name + ".sh");
        Path out = dir.resolve(name + ".env");
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = bound ] && env > " + out + "\nexit 0\n");
        script.toFile().setExecutable(true);
        List<String> command = new java.util.ArrayList<>(client.exec("/usr/bin/busybox", "udhcpc", "-f", "-q", "-n",
                "-t", "5", "-T", "1", "-i", client.iface(), "-s", script.toString()));
        command.addAll(List.of(options));
        String log = Lab.run(command, 30);
        assertTrue(Files.exists(out), "udhcpc got no lease: " + log);
        return Files.readString(out);
    }
}
