package org.bergenholm.auth;

import java.util.Map;

/**
 * API authentication settings. {@code users} are users from the configuration file: name →
 * bcrypt hash (as `htpasswd -nbB` prints it), never a password in clear.
 */
public record AuthConfig(boolean enabled, InstallAccess installAccess, Map<String, String> users) {

    public AuthConfig {
        users.forEach((name, hash) -> {
            if (!Passwords.isHash(hash)) {
                // The value is not shown: it may be a password written where its hash belongs.
                throw new IllegalArgumentException("users: " + name + ": not a bcrypt hash ($2a$/$2b$/$2y$), e.g. from htpasswd -nbB");
            }
        });
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
