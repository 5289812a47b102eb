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
import org.bergenholm.images.ImageCacheConfig;
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
            "images-cache-max", "images-revalidate-after", "images-mirror-dir", "images-connect-timeout", "images-read-timeout");

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

    @Option(names = "--images-cache-max", description = "size bound of the image cache, e.g. 20G (default 20G)")
    String imagesCacheMax;
    @Option(names = "--images-revalidate-after", description = "age after which a cached image is revalidated, e.g. 1h (default 1h)")
    String imagesRevalidateAfter;
    @Option(names = "--images-mirror-dir", description = "folder that file:// image URLs may point into (default: none allowed)")
    Path imagesMirrorDir;
    @Option(names = "--images-connect-timeout", description = "image upstream connect timeout, e.g. 10s (default 10s)")
    String imagesConnectTimeout;
    @Option(names = "--images-read-timeout", description = "image upstream silence before giving up, e.g. 30s (default 30s)")
    String imagesReadTimeout;

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
        if (address == null) {
            address = firstIpv4();
        }
        String base = pick(baseUrl, file, "base-url", null);
        if (base == null) {
            base = "http://" + address + (http == 80 ? "" : ":" + http);
        }
        ApplianceConfig cfg = new ApplianceConfig(listenAddr, http, tftp, dhcpMode,
                pick(iface, file, "interface", null), address, stripSlash(base),
                pick(mongoUri, file, "mongo-uri", null),
                Path.of(pick(dataDir, file, "data-dir", "/var/lib/bergenholm")),
                pathOrNull(pick(bootAssets, file, "boot-assets", null)),
                pick(seed, file, "seed", null),
                Integer.parseInt(pick(null, file, "events-per-host", String.valueOf(ApplianceConfig.DEFAULT_EVENTS_PER_HOST))),
                images(file));
        if (!dhcpMode.equals("off")) {
            log.warn("DHCP is not part of this build yet; --dhcp {} ignored", dhcpMode);
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (Appliance appliance = new Appliance(cfg)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shutdown"));
            log.info("base URL {}", cfg.baseUrl());
            stop.await();
        }
        return 0;
    }

    private ImageCacheConfig images(Map<String, Object> file) {
        ImageCacheConfig d = ImageCacheConfig.defaults();
        String mirror = pick(imagesMirrorDir, file, "images-mirror-dir", null);
        return new ImageCacheConfig(
                ImageCacheConfig.parseSize(pick(imagesCacheMax, file, "images-cache-max", String.valueOf(d.maxBytes()))),
                ImageCacheConfig.parseDuration(pick(imagesRevalidateAfter, file, "images-revalidate-after", d.revalidateAfter().toSeconds() + "s")),
                pathOrNull(mirror),
                ImageCacheConfig.parseDuration(pick(imagesConnectTimeout, file, "images-connect-timeout", d.connectTimeout().toSeconds() + "s")),
                ImageCacheConfig.parseDuration(pick(imagesReadTimeout, file, "images-read-timeout", d.readTimeout().toSeconds() + "s")));
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
