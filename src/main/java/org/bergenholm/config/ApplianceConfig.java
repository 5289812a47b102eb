package org.bergenholm.config;

import java.nio.file.Path;
import org.bergenholm.tftp.TftpConfig;

/**
 * Everything the appliance is started with. {@code seed} is a folder of groups/, hosts/,
 * templates/, "none", or null for the built-in seed data.
 */
public record ApplianceConfig(
        String listen,
        int httpPort,
        TftpConfig tftp,
        String dhcp,
        String iface,
        String serverAddress,
        String baseUrl,
        String mongoUri,
        Path dataDir,
        Path bootAssets,
        String seed,
        int eventsPerHost) {

    public static final int DEFAULT_EVENTS_PER_HOST = 1000;
}
