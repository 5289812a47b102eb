package org.bergenholm.auth;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bergenholm.inventory.InstallTokens;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.store.CredentialStore;
import org.bergenholm.store.Database;
import org.bergenholm.store.InstallTokenStore;
import org.bergenholm.store.LeaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the HTTP server needs of authentication: the check before routing, and the users/tokens routes. */
public final class Auth {
    private static final Logger log = LoggerFactory.getLogger(Auth.class);

    private final ApiGuard guard;
    private final AuthRoutes routes;

    private Auth(ApiGuard guard, AuthRoutes routes) {
        this.guard = guard;
        this.routes = routes;
    }

    /** The install tokens Inventory hands to templates: real ones only with `install-access: token`. */
    public static InstallTokens installTokens(AuthConfig config, Database db) {
        return config.installAccess() == InstallAccess.TOKEN ? new StoredInstallTokens(new InstallTokenStore(db)) : InstallTokens.NONE;
    }

    /**
     * Sets authentication up for a starting appliance: with it on and nobody able to log in,
     * the admin token is made (see AdminToken); with it off, a warning at every start.
     */
    public static Auth start(AuthConfig config, Database db, Path dataDir, Inventory inventory, InstallTokens installTokens)
            throws IOException {
        Authenticator authenticator = new Authenticator(new CredentialStore(db), config.users());
        if (config.enabled()) {
            ensureAdminToken(dataDir, authenticator);
        } else {
            log.warn("API authentication is OFF (--no-auth / auth: off): anyone who reaches this port can change hosts, "
                    + "templates and power; use this only on a closed network");
        }
        InstallGate gate = new InstallGate(config.installAccess(), inventory,
                config.installAccess() == InstallAccess.ADDRESS ? new LeaseStore(db) : null,
                installTokens instanceof StoredInstallTokens stored ? stored : null);
        return new Auth(new ApiGuard(config.enabled(), authenticator, gate), new AuthRoutes(authenticator));
    }

    /** Now, or once the database answers when the appliance starts without it. */
    private static void ensureAdminToken(Path dataDir, Authenticator authenticator) throws IOException {
        try {
            AdminToken.ensure(dataDir, authenticator);
        } catch (com.mongodb.MongoException e) {
            log.warn("database unreachable; the admin token is set up once it answers: {}", e.getMessage());
            Thread retry = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(5_000);
                        AdminToken.ensure(dataDir, authenticator);
                        return;
                    } catch (com.mongodb.MongoException again) {
                        // Still away; the next try is in 5 s.
                    } catch (IOException | InterruptedException stop) {
                        log.warn("admin token not set up: {}", stop.getMessage());
                        return;
                    }
                }
            }, "admin-token");
            retry.setDaemon(true);
            retry.start();
        }
    }

    /** Before routing any `/api/1.0` request; {@code segments} are the path's parts after `/api/1.0/`. */
    public void check(HttpServerExchange exchange, String method, List<String> segments) {
        guard.check(exchange, method, segments);
    }

    /** `users…` and `tokens…`. */
    public void handle(HttpServerExchange exchange, String method, List<String> segments) throws Exception {
        routes.handle(exchange, method, segments);
    }
}
