package org.bergenholm.auth;

import java.util.Map;

/**
 * API authentication settings. {@code users} are users from the configuration file: name →
 * bcrypt hash (as `htpasswd -nbB` prints it), never a password in clear.
 */
public record AuthConfig(boolean enabled, InstallAccess installAccess, Map<String, String> users) {

    public AuthConfig {
        users = Map.copyOf(users);
    }

    /** No authentication, installer routes open: Bergenholm 1.0's behaviour, and the tests' default. */
    public static AuthConfig off() {
        return new AuthConfig(false, InstallAccess.OPEN, Map.of());
    }

    public static AuthConfig on() {
        return new AuthConfig(true, InstallAccess.OPEN, Map.of());
    }

    public AuthConfig withInstallAccess(InstallAccess access) {
        return new AuthConfig(enabled, access, users);
    }
}
