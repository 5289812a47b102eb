package org.bergenholm.dhcp;

import java.time.Duration;
import java.util.List;

/**
 * DHCP settings beyond the mode and interface: the EFI loader and, for full mode, the pools.
 *
 * @param offerHold  how long an offered address stays held for the client that was offered it
 * @param quarantine how long a declined address is kept from everybody
 */
public record DhcpConfig(String efiLoader, List<Pool> pools, Duration offerHold, Duration quarantine) {
    public DhcpConfig {
        pools = List.copyOf(pools);
    }

    public static DhcpConfig defaults() {
        return new DhcpConfig(BootSettings.DEFAULT_EFI_LOADER, List.of(), Duration.ofSeconds(60), Duration.ofMinutes(10));
    }

    public DhcpConfig withPools(List<Pool> newPools) {
        return new DhcpConfig(efiLoader, newPools, offerHold, quarantine);
    }

    public DhcpConfig withEfiLoader(String loader) {
        return new DhcpConfig(loader, pools, offerHold, quarantine);
    }
}
