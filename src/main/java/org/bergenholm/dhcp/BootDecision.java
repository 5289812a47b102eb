package org.bergenholm.dhcp;

import java.util.Map;
import java.util.Optional;

/** Which boot file a client gets, from its request and its host's resolved parameters. Pure. */
public final class BootDecision {
    private BootDecision() {
    }

    /** Empty: this client gets no boot answer (unknown architecture, not a netboot client, or netboot off). */
    public static Optional<BootAnswer> decide(DhcpRequest req, Map<String, Object> host, BootSettings settings) {
        if (isFalse(host.get("netboot"))) {
            return Optional.empty();
        }
        if (req.isIpxe()) {
            // The override is for the firmware stage only: giving it to iPXE too would chain-load forever.
            return Optional.of(new BootAnswer(settings.baseUrl() + "/ipxe/script/${uuid}", "PXEClient"));
        }
        if (req.isHttpClient()) {
            if (req.arch() != 16) {
                return Optional.empty();
            }
            Object override = host.get("dhcp_bootfile");
            String file = override != null ? override.toString() : settings.baseUrl() + "/boot/ipxe.efi";
            return Optional.of(new BootAnswer(file, "HTTPClient"));
        }
        if (!req.isPxeClient()) {
            return Optional.empty();
        }
        String file = switch (req.arch()) {
            case 0 -> "undionly.kpxe";
            case 6, 7, 9 -> settings.efiLoader();
            default -> null;
        };
        if (file == null) {
            return Optional.empty();
        }
        Object override = host.get("dhcp_bootfile");
        return Optional.of(new BootAnswer(override != null ? override.toString() : file, "PXEClient"));
    }

    private static boolean isFalse(Object v) {
        return Boolean.FALSE.equals(v) || (v instanceof String s && s.equalsIgnoreCase("false"));
    }
}
