package org.bergenholm.inventory;

import java.util.Optional;

/**
 * Per-host install tokens, when the appliance restricts the installer routes to them.
 * Inventory asks for the token whenever it resolves a host that is not marked installed
 * (so `{{install_token}}` is there for every template) and revokes it on the mark.
 */
public interface InstallTokens {
    /** Tokens not in use: templates see no `install_token`. */
    InstallTokens NONE = new InstallTokens() {
        @Override
        public Optional<String> forHost(String hostId) {
            return Optional.empty();
        }

        @Override
        public void revoke(String hostId) {
        }
    };

    /** The host's token, issued now if it has none yet; empty when tokens are not in use. */
    Optional<String> forHost(String hostId);

    void revoke(String hostId);
}
