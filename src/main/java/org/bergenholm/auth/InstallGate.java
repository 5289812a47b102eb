package org.bergenholm.auth;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.bergenholm.http.HttpError;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.store.LeaseStore;

/** `install-access`: who may call the installer routes of a host without credentials. */
final class InstallGate {
    private final InstallAccess access;
    private final Inventory inventory;
    private final LeaseStore leases;
    private final StoredInstallTokens tokens;

    InstallGate(InstallAccess access, Inventory inventory, LeaseStore leases, StoredInstallTokens tokens) {
        this.access = access;
        this.inventory = inventory;
        this.leases = leases;
        this.tokens = tokens;
    }

    /** Returns when the caller may use the route for {@code hostId}; 403 otherwise. */
    void check(String hostId, String callerAddress, String presentedToken) {
        switch (access) {
            case OPEN -> { }
            case TOKEN -> {
                if (!tokens.accepts(hostId, presentedToken)) {
                    throw new HttpError(403, "this installer URL needs the host's current install token (?token=)");
                }
            }
            case ADDRESS -> {
                if (!isHostAddress(hostId, callerAddress)) {
                    throw new HttpError(403, "host " + hostId + "'s installer URLs answer only the host's own address");
                }
            }
        }
    }

    private boolean isHostAddress(String hostId, String caller) {
        Map<String, Object> params = inventory.resolve(hostId).orElse(null);
        if (params == null) {
            return false;
        }
        if (caller.equals(String.valueOf(params.get("ipaddr")))) {
            return true;
        }
        if (!(params.get("mac") instanceof String mac)) {
            return false;
        }
        return leases.byAddress(caller)
                .filter(l -> mac.toLowerCase(Locale.ROOT).equals(l.mac()))
                .filter(l -> "bound".equals(l.state()) && l.expires().isAfter(Instant.now()))
                .isPresent();
    }
}
