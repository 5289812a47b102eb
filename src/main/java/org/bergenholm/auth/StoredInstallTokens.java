package org.bergenholm.auth;

import java.util.Optional;
import org.bergenholm.inventory.InstallTokens;
import org.bergenholm.store.InstallTokenStore;

/** Install tokens kept in the database: 256 random bits per host, issued on first use. */
final class StoredInstallTokens implements InstallTokens {
    private final InstallTokenStore store;

    StoredInstallTokens(InstallTokenStore store) {
        this.store = store;
    }

    @Override
    public Optional<String> forHost(String hostId) {
        return Optional.of(store.get(hostId).orElseGet(() -> store.issue(hostId, RandomSecrets.random())));
    }

    @Override
    public void revoke(String hostId) {
        store.revoke(hostId);
    }

    /** True when {@code presented} is the host's current token. */
    boolean accepts(String hostId, String presented) {
        return presented != null && store.get(hostId).map(t -> RandomSecrets.same(t, presented)).orElse(false);
    }
}
