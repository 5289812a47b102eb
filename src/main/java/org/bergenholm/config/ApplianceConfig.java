package org.bergenholm.config;

import java.nio.file.Path;
import org.bergenholm.dhcp.DhcpConfig;

/**
 * Everything the appliance is started with. {@code seed} is a folder of groups/, hosts/,
 * templates/, "none", or null for the built-in seed data.
 */
public record ApplianceConfig(
        String listen,
        int httpPort,
        int tftpPort,
        String dhcp,
        String iface,
        String serverAddress,
        String baseUrl,
        String mongoUri,
        Path dataDir,
        Path bootAssets,
        String seed,
        int eventsPerHost,
        DhcpConfig dhcpConfig) {

    public static final int DEFAULT_EVENTS_PER_HOST = 1000;

    /** Without DHCP settings (pools, EFI loader): the defaults. */
    public ApplianceConfig(String listen, int httpPort, int tftpPort, String dhcp, String iface, String serverAddress,
            String baseUrl, String mongoUri, Path dataDir, Path bootAssets, String seed, int eventsPerHost) {
        this(listen, httpPort, tftpPort, dhcp, iface, serverAddress, baseUrl, mongoUri, dataDir, bootAssets, seed,
                eventsPerHost, DhcpConfig.defaults());
    }
}
