package org.bergenholm.auth;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Deque;
import java.util.List;
import org.bergenholm.http.HttpError;

/**
 * The one check in front of `/api/1.0`: credentials for everything except the two routes an
 * installer calls (rendering a template for a host, `?installed=mark`), which `install-access`
 * governs instead. A caller with credentials on those routes is checked like any other, so
 * `bergenholm host mark-installed` works in every mode.
 */
final class ApiGuard {
    static final String CHALLENGE = "Basic realm=\"bergenholm\", Bearer";

    private final boolean enabled;
    private final Authenticator authenticator;
    private final FailureThrottle throttle = new FailureThrottle();
    private final InstallGate installGate;

    ApiGuard(boolean enabled, Authenticator authenticator, InstallGate installGate) {
        this.enabled = enabled;
        this.authenticator = authenticator;
        this.installGate = installGate;
    }

    /** Returns when the request may go on; otherwise throws the 401, 403 or 429 to answer. */
    void check(HttpServerExchange exchange, String method, List<String> segments) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        String host = installerHost(exchange, method, segments);
        if (host != null && (authorization == null || !enabled)) {
            installGate.check(host, address(exchange), query(exchange, "token"));
            return;
        }
        if (!enabled) {
            return;
        }
        String address = address(exchange);
        long now = System.nanoTime();
        long wait = throttle.retryAfterSeconds(address, now);
        if (wait > 0) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(wait));
            throw new HttpError(429, "too many failed logins from this address; retry in " + wait + " s");
        }
        if (authorization == null) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
            throw new HttpError(401, "authentication required: HTTP Basic or a bearer token");
        }
        if (authenticator.verify(authorization, now).isEmpty()) {
            throttle.failed(address, now);
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
            throw new HttpError(401, "wrong user, password or token");
        }
    }

    /**
     * The host id when this is an installer route: GET templates/NAME/ID (as TemplateRoutes
     * renders it) or GET hosts/ID?installed=mark (as ParameterRoutes marks it); else null.
     */
    static String installerHost(HttpServerExchange exchange, String method, List<String> s) {
        if (!method.equals("GET")) {
            return null;
        }
        if (s.size() == 3 && s.get(0).equals("templates") && !s.get(1).isEmpty() && !s.get(2).isEmpty()) {
            return s.get(2);
        }
        if (s.size() == 2 && s.get(0).equals("hosts") && !s.get(1).isEmpty() && "mark".equals(query(exchange, "installed"))) {
            return s.get(1);
        }
        return null;
    }

    private static String query(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String address(HttpServerExchange exchange) {
        return exchange.getSourceAddress().getAddress().getHostAddress();
    }
}
