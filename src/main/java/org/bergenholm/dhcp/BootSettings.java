package org.bergenholm.dhcp;

/**
 * Boot policy knobs shared by both DHCP modes.
 *
 * @param baseUrl  URL machines use to reach the appliance, no trailing slash
 * @param efiLoader what EFI PXE firmware (arch 6, 7, 9) loads: snponly.efi or ipxe.efi
 */
public record BootSettings(String baseUrl, String efiLoader) {
    public static final String DEFAULT_EFI_LOADER = "snponly.efi";
}
