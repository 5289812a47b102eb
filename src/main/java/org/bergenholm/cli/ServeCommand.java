package org.bergenholm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.bergenholm.Appliance;
import org.bergenholm.config.ApplianceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bergenholm serve`: runs the appliance until SIGTERM. */
@Command(name = "serve", description = "Run the appliance (HTTP API and iPXE routes; TFTP and DHCP when enabled).")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    private static final Set<String> FILE_KEYS = Set.of("listen", "http-port", "tftp-port", "dhcp", "interface",
            "server-address", "base-url", "mongo-uri", "data-dir", "boot-assets", "seed", "events-per-host",
            "pool", "netmask", "router", "dns", "domain", "lease-time", "pools", "efi-loader");

    @Option(names = "--config", description = "YAML file with the same keys as these options")
    Path config;
    @Option(names = "--listen", description = "address to listen on (default 0.0.0.0)")
    String listen;
    @Option(names = "--http-port", description = "HTTP port (default 80)")
    Integer httpPort;
    @Option(names = "--tftp-port", description = "TFTP port (default 69; 0 = off)")
    Integer tftpPort;
    @Option(names = "--dhcp", description = "off, proxy or full (default proxy)")
    String dhcp;
    @Option(names = "--interface", description = "network interface for DHCP")
    String iface;
    @Option(names = "--server-address", description = "this appliance's IPv4 address as clients reach it")
    String serverAddress;
    @Option(names = "--base-url", description = "URL machines use to reach this appliance (default http://<server-address>[:port])")
    String baseUrl;
    @Option(names = "--mongo-uri", description = "use this MongoDB instead of the embedded database")
    String mongoUri;
    @Option(names = "--data-dir", description = "data directory (default /var/lib/bergenholm)")
    Path dataDir;
    @Option(names = "--boot-assets", description = "folder with the iPXE binaries")
    Path bootAssets;
    @Option(names = "--seed", description = "seed folder for an empty database, or 'none'")
    String seed;
    @Option(names = "--pool", description = "full DHCP: address range START-END")
    String pool;
    @Option(names = "--netmask", description = "full DHCP: subnet mask (default 255.255.255.0)")
    String netmask;
    @Option(names = "--router", description = "full DHCP: default gateway")
    String router;
    @Option(names = "--dns", split = ",", description = "full DHCP: DNS servers, comma-separated")
    java.util.List<String> dns;
    @Option(names = "--domain", description = "full DHCP: domain name")
    String domain;
    @Option(names = "--lease-time", description = "full DHCP: lease time in seconds (default 3600)")
    Integer leaseTime;
    @Option(names = "--efi-loader", description = "what EFI PXE firmware loads: snponly.efi (default) or ipxe.efi")
    String efiLoader;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> file = config == null ? Map.of() : readFile(config);
        String listenAddr = pick(listen, file, "listen", "0.0.0.0");
        int http = Integer.parseInt(pick(httpPort, file, "http-port", "80"));
        int tftp = Integer.parseInt(pick(tftpPort, file, "tftp-port", "69"));
        String dhcpMode = pick(dhcp, file, "dhcp", "proxy");
        if (!Set.of("off", "proxy", "full").contains(dhcpMode)) {
            throw new IllegalArgumentException("dhcp must be off, proxy or full, not '" + dhcpMode + "'");
        }
        String address = pick(serverAddress, file, "server-address", null);
        String dhcpIface = pick(iface, file, "interface", null);
        if (address == null && dhcpIface != null) {
            address = org.bergenholm.dhcp.DhcpOptions.interfaceIpv4(dhcpIface);
        }
        if (address == null) {
            address = firstIpv4();
        }
        String base = pick(baseUrl, file, "base-url", null);
        if (base == null) {
            base = "http://" + address + (http == 80 ? "" : ":" + http);
        }
        ApplianceConfig cfg = new ApplianceConfig(listenAddr, http, tftp, dhcpMode,
                dhcpIface, address, stripSlash(base),
                pick(mongoUri, file, "mongo-uri", null),
                Path.of(pick(dataDir, file, "data-dir", "/var/lib/bergenholm")),
                pathOrNull(pick(bootAssets, file, "boot-assets", null)),
                pick(seed, file, "seed", null),
                Integer.parseInt(pick(null, file, "events-per-host", String.valueOf(ApplianceConfig.DEFAULT_EVENTS_PER_HOST))),
                org.bergenholm.dhcp.DhcpOptions.from(file, pool, netmask, router, dns, domain, leaseTime, efiLoader));
        CountDownLatch stop = new CountDownLatch(1);
        try (Appliance appliance = new Appliance(cfg)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shutdown"));
            log.info("base URL {}", cfg.baseUrl());
            stop.await();
        }
        return 0;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Path pathOrNull(String s) {
        return s == null ? null : Path.of(s);
    }

    private static String pick(Object cli, Map<String, Object> file, String key, String fallback) {
        if (cli != null) {
            return cli.toString();
        }
        Object v = file.get(key);
        return v != null ? v.toString() : fallback;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readFile(Path path) throws java.io.IOException {
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("cannot read configuration file " + path);
        }
        Object parsed = new ObjectMapper(new YAMLFactory()).readValue(path.toFile(), Object.class);
        if (parsed == null) {
            return Map.of();
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(path + ": expected a mapping of option: value");
        }
        Map<String, Object> map = new LinkedHashMap<>((Map<String, Object>) parsed);
        for (String key : map.keySet()) {
            if (!FILE_KEYS.contains(key)) {
                throw new IllegalArgumentException(path + ": unknown key '" + key + "'");
            }
        }
        return map;
    }

    private static String firstIpv4() throws java.net.SocketException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        return "127.0.0.1";
    }
}
