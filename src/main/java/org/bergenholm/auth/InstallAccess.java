package org.bergenholm.auth;

import java.util.Locale;

/** Who may call the two installer routes without credentials (config `install-access`). */
public enum InstallAccess {
    /** Anyone, as in 1.0. */
    OPEN,
    /** Only the host's own address: its `ipaddr` parameter or its current DHCP lease. */
    ADDRESS,
    /** Only a caller presenting the host's install token as `?token=`. */
    TOKEN;

    public static InstallAccess parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("install-access must be open, address or token, not '" + value + "'");
        }
    }
}
