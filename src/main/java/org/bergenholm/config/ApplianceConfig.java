package org.bergenholm.config;

import java.nio.file.Path;
import org.bergenholm.auth.AuthConfig;
import org.bergenholm.dhcp.DhcpConfig;
import org.bergenholm.images.ImageCacheConfig;
import org.bergenholm.tftp.TftpConfig;

/**
 * Everything the appliance is started with. {@code seed} is a folder of groups/, hosts/,
 * templates/, "none", or null for the built-in seed data. {@code tftp} is null when TFTP is off.
 * {@code interfaces}: where DHCP listens (empty: every interface); {@code serverAddress} and
 * {@code baseUrl} are the first interface's (see dhcp.Segment for several).
 */
public record ApplianceConfig(
        String listen,
        int httpPort,
        TftpConfig tftp,
        String dhcp,
        java.util.List<String> interfaces,
        String serverAddress,
        String baseUrl,
        String mongoUri,
        Path dataDir,
        Path bootAssets,
        String seed,
        int eventsPerHost,
        ImageCacheConfig images,
        DhcpConfig dhcpConfig,
        AuthConfig auth) {

    public static final int DEFAULT_EVENTS_PER_HOST = 1000;

    public ApplianceConfig {
        interfaces = interfaces == null ? java.util.List.of() : java.util.List.copyOf(interfaces);
    }

    /** Authentication off: what the tests that are not about it use (`serve` turns it on). */
    public ApplianceConfig(String listen, int httpPort, TftpConfig tftp, String dhcp, java.util.List<String> interfaces, String serverAddress,
            String baseUrl, String mongoUri, Path dataDir, Path bootAssets, String seed, int eventsPerHost,
            ImageCacheConfig images, DhcpConfig dhcpConfig) {
        this(listen, httpPort, tftp, dhcp, interfaces, serverAddress, baseUrl, mongoUri, dataDir, bootAssets, seed,
                eventsPerHost, images, dhcpConfig, AuthConfig.off());
    }

    /** With the image cache's and DHCP's defaults. */
    public ApplianceConfig(String listen, int httpPort, TftpConfig tftp, String dhcp, java.util.List<String> interfaces, String serverAddress,
            String baseUrl, String mongoUri, Path dataDir, Path bootAssets, String seed, int eventsPerHost) {
        this(listen, httpPort, tftp, dhcp, interfaces, serverAddress, baseUrl, mongoUri, dataDir, bootAssets, seed,
                eventsPerHost, ImageCacheConfig.defaults(), DhcpConfig.defaults());
    }
}
