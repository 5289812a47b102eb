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
import org.bergenholm.tftp.TftpConfig;
import org.bergenholm.images.ImageCacheConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `bergenholm serve`: runs the appliance until SIGTERM. Its options are also the settings that
 * `doctor` checks and `config show` prints; each comes from, in order: the command line, the
 * environment ({@code BERGENHOLM_HTTP_PORT} for --http-port), the --config file, the default.
 */
@Command(name = "serve", description = "Run the appliance (HTTP API and iPXE routes; TFTP and DHCP when enabled).")
class ServeCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    private static final Set<String> FILE_KEYS = Set.of("listen", "http-port", "tftp-port", "dhcp", "interface",
            "server-address", "base-url", "mongo-uri", "data-dir", "boot-assets", "seed", "events-per-host",
            "tftp-max-transfers", "tftp-max-per-client", "tftp-single-port",
            "images-cache-max", "images-revalidate-after", "images-mirror-dir", "images-connect-timeout", "images-read-timeout",
            "pool", "netmask", "router", "dns", "domain", "lease-time", "pools", "efi-loader",
            "auth", "install-access", "users", "secret-params");

    @Option(names = "--config", description = "YAML file with the same keys as these options")
    Path config;
    @Option(names = "--listen", description = "address to listen on (default 0.0.0.0)")
    String listen;
    @Option(names = "--http-port", description = "HTTP port (default 80)")
    Integer httpPort;
    @Option(names = "--tftp-port", description = "TFTP port (default 69; 0 = off)")
    Integer tftpPort;
    @Option(names = "--tftp-max-transfers", description = "concurrent TFTP transfers in total (default 256)")
    Integer tftpMaxTransfers;
    @Option(names = "--tftp-max-per-client", description = "concurrent TFTP transfers per client address (default 8)")
    Integer tftpMaxPerClient;
    @Option(names = "--tftp-single-port", description = "answer every TFTP transfer from port 69 (clients behind NAT)")
    Boolean tftpSinglePort;
    @Option(names = "--dhcp", description = "off, proxy or full (default proxy)")
    String dhcp;
    @Option(names = "--interface", split = ",", description = "network interface DHCP listens on; repeat (or comma-separate) for several networks (default: all)")
    java.util.List<String> interfaces;
    @Option(names = "--server-address", description = "this appliance's IPv4 address as clients reach it (one interface only)")
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

    @Option(names = "--no-auth", description = "serve the API without authentication (closed labs only; warns at every start)")
    Boolean noAuth;
    @Option(names = "--install-access", description = "who may fetch installer URLs without credentials: open (default), address or token")
    String installAccess;
    @Option(names = "--secret-params", split = ",", description = "parameter names shown as ******, globs, comma-separated "
            + "(default *password*,*passwd*,*secret*,*token*)")
    java.util.List<String> secretParams;

    @Option(names = "--images-cache-max", description = "size bound of the image cache, e.g. 20G (default 20G)")
    String imagesCacheMax;
    @Option(names = "--images-revalidate-after", description = "age after which a cached image is revalidated, e.g. 1h (default 1h)")
    String imagesRevalidateAfter;
    @Option(names = "--images-mirror-dir", description = "folder that file:// image URLs may point into (default: none allowed)")
    Path imagesMirrorDir;
    @Option(names = "--images-connect-timeout", description = "image upstream connect timeout, e.g. 10s (default 10s)")
    String imagesConnectTimeout;
    @Option(names = "--images-read-timeout", description = "how long an image transfer may move no byte, from the upstream or to a client, before it is cut, e.g. 30s (default 30s)")
    String imagesReadTimeout;

    /** The environment consulted between the command line and the file; replaced in tests. */
    Map<String, String> env = System.getenv();
    private Map<String, Object> file = Map.of();

    @Override
    public Integer call() throws Exception {
        ApplianceConfig cfg = effectiveConfig();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Appliance appliance = new Appliance(cfg);
        // The JVM halts once its shutdown hooks return, so the hook waits for the graceful close.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        log.info("base URL {}", cfg.baseUrl());
        try {
            stop.await();
            log.info("stopping: finishing transfers in flight");
        } finally {
            appliance.close();
            log.info("stopped");
            closed.countDown();
        }
        return 0;
    }

    /** Every setting resolved by precedence; bad values are errors naming their key. */
    ApplianceConfig effectiveConfig() throws Exception {
        String fileFromEnv = env.get("BERGENHOLM_CONFIG");
        Path configPath = config != null ? config : fileFromEnv != null ? Path.of(fileFromEnv) : null;
        file = configPath == null ? Map.of() : readFile(configPath);
        String listenAddr = pick(listen, "listen", "0.0.0.0");
        int http = number(httpPort, "http-port", 80);
        int tftp = number(tftpPort, "tftp-port", 69);
        String dhcpMode = pick(dhcp, "dhcp", "proxy");
        if (!Set.of("off", "proxy", "full").contains(dhcpMode)) {
            throw new IllegalArgumentException("dhcp must be off, proxy or full, not '" + dhcpMode + "'");
        }
        String address = pick(serverAddress, "server-address", null);
        java.util.List<String> interfaces = dhcpInterfaces();
        if (address != null && interfaces.size() > 1) {
            throw new IllegalArgumentException("server-address names one interface's address; with several interfaces each answers with its own");
        }
        if (address == null && !interfaces.isEmpty()) {
            address = org.bergenholm.dhcp.DhcpOptions.interfaceIpv4(interfaces.get(0));
        }
        if (address == null) {
            address = firstIpv4();
        }
        org.bergenholm.inventory.Secrets.use(secretParams());
        String base = pick(baseUrl, "base-url", null);
        if (base == null) {
            base = "http://" + address + (http == 80 ? "" : ":" + http);
        }
        ApplianceConfig cfg = new ApplianceConfig(listenAddr, http, tftpConfig(listenAddr, tftp), dhcpMode,
                interfaces, address, stripSlash(base),
                pick(mongoUri, "mongo-uri", null),
                Path.of(pick(dataDir, "data-dir", "/var/lib/bergenholm")),
                pathOrNull(pick(bootAssets, "boot-assets", null)),
                pick(seed, "seed", null),
                number(null, "events-per-host", ApplianceConfig.DEFAULT_EVENTS_PER_HOST),
                images(),
                org.bergenholm.dhcp.DhcpOptions.from(file, cliOrEnv(pool, "pool"), cliOrEnv(netmask, "netmask"),
                        cliOrEnv(router, "router"), dnsServers(), cliOrEnv(domain, "domain"),
                        cliOrEnv(leaseTime, "lease-time") == null ? null : number(leaseTime, "lease-time", 0),
                        cliOrEnv(efiLoader, "efi-loader")),
                authConfig());
        return cfg;
    }

    /** `--interface` (repeated or comma-separated), BERGENHOLM_INTERFACE (comma-separated), or the file's `interface:` (one or a list). */
    private java.util.List<String> dhcpInterfaces() {
        if (interfaces != null) {
            return interfaces;
        }
        String fromEnv = envValue("interface");
        Object fromFile = file.get("interface");
        if (fromEnv == null && fromFile instanceof java.util.List<?> list) {
            return list.stream().map(Object::toString).toList();
        }
        String text = fromEnv != null ? fromEnv : fromFile == null ? null : fromFile.toString();
        return text == null ? java.util.List.of()
                : java.util.Arrays.stream(text.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** `auth` on (the default) or off, `install-access`, and the file's `users:` (name: bcrypt hash). */
    private org.bergenholm.auth.AuthConfig authConfig() {
        String auth = pick(Boolean.TRUE.equals(noAuth) ? "off" : null, "auth", "on").trim().toLowerCase(java.util.Locale.ROOT);
        boolean enabled = switch (auth) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException("auth must be on or off, not '" + auth + "'");
        };
        Map<String, String> users = new LinkedHashMap<>();
        Object fromFile = file.get("users");
        if (fromFile != null) {
            if (!(fromFile instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("users: expected a mapping of name: bcrypt hash");
            }
            m.forEach((name, hash) -> {
                if (!(hash instanceof String h) || !h.startsWith("$2")) {
                    // The value is not printed: it may be a password written where its hash belongs.
                    throw new IllegalArgumentException("users: " + name + ": expected a bcrypt hash ($2...), e.g. from htpasswd -nbB");
                }
                users.put(String.valueOf(name), h);
            });
        }
        return new org.bergenholm.auth.AuthConfig(enabled,
                org.bergenholm.auth.InstallAccess.parse(pick(installAccess, "install-access", "open")), users);
    }

    private TftpConfig tftpConfig(String listenAddr, int port) throws java.net.UnknownHostException {
        if (port == 0) {
            return null;
        }
        TftpConfig d = TftpConfig.defaults();
        return d.withPort(port).withListenAddress(java.net.InetAddress.getByName(listenAddr))
                .withLimits(number(tftpMaxTransfers, "tftp-max-transfers", d.maxTransfers()),
                        number(tftpMaxPerClient, "tftp-max-per-client", d.maxPerClient()))
                .withSinglePort(bool(tftpSinglePort, "tftp-single-port"));
    }

    private ImageCacheConfig images() {
        ImageCacheConfig d = ImageCacheConfig.defaults();
        String mirror = pick(imagesMirrorDir, "images-mirror-dir", null);
        return new ImageCacheConfig(
                ImageCacheConfig.parseSize(pick(imagesCacheMax, "images-cache-max", String.valueOf(d.maxBytes()))),
                ImageCacheConfig.parseDuration(pick(imagesRevalidateAfter, "images-revalidate-after", d.revalidateAfter().toSeconds() + "s")),
                pathOrNull(mirror),
                ImageCacheConfig.parseDuration(pick(imagesConnectTimeout, "images-connect-timeout", d.connectTimeout().toSeconds() + "s")),
                ImageCacheConfig.parseDuration(pick(imagesReadTimeout, "images-read-timeout", d.readTimeout().toSeconds() + "s")));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Path pathOrNull(String s) {
        return s == null ? null : Path.of(s);
    }

    /** Command line, then BERGENHOLM_&lt;KEY&gt;, then the file, then the fallback. */
    String pick(Object cli, String key, String fallback) {
        if (cli != null) {
            return cli.toString();
        }
        String fromEnv = envValue(key);
        if (fromEnv != null) {
            return fromEnv;
        }
        Object v = file.get(key);
        return v != null ? v.toString() : fallback;
    }

    /** The command line's or the environment's value; null leaves the choice to the file. */
    String cliOrEnv(Object cli, String key) {
        return cli != null ? cli.toString() : envValue(key);
    }

    private String envValue(String key) {
        return env.get("BERGENHOLM_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    /** A list in the file, comma-separated on the command line and in BERGENHOLM_SECRET_PARAMS. */
    private java.util.List<String> secretParams() {
        if (secretParams != null) {
            return secretParams;
        }
        Object fromFile = file.get("secret-params");
        String text = envValue("secret-params");
        if (text == null && fromFile instanceof java.util.List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (text == null && fromFile != null) {
            text = fromFile.toString();
        }
        return text == null ? org.bergenholm.inventory.Secrets.DEFAULT_PATTERNS
                : java.util.Arrays.stream(text.split(",")).map(String::trim).filter(g -> !g.isEmpty()).toList();
    }

    private java.util.List<String> dnsServers() {
        String fromEnv = dns == null ? envValue("dns") : null;
        return fromEnv != null ? java.util.List.of(fromEnv.split(",")) : dns;
    }

    int number(Object cli, String key, int fallback) {
        String value = pick(cli, key, String.valueOf(fallback));
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a non-negative whole number");
        }
    }

    boolean bool(Object cli, String key) {
        String value = pick(cli, key, "false");
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not true or false");
        }
        return Boolean.parseBoolean(value);
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
