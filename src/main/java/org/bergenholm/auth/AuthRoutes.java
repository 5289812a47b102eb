package org.bergenholm.auth;

import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.http.Exchanges;
import org.bergenholm.http.HttpError;
import org.bergenholm.inventory.Names;

/**
 * `/api/1.0/users[/NAME]` and `/api/1.0/tokens[/NAME]`. A password goes in as
 * {"password": ...} and never comes out; a token's secret is in the answer to its POST only.
 */
final class AuthRoutes {
    private final Authenticator auth;

    AuthRoutes(Authenticator auth) {
        this.auth = auth;
    }

    void handle(HttpServerExchange exchange, String method, List<String> s) throws Exception {
        boolean users = s.get(0).equals("users");
        if (s.size() == 1 || (s.size() == 2 && s.get(1).isEmpty())) {
            if (!method.equals("GET")) {
                throw new HttpError(405, "method " + method + " not allowed on the " + s.get(0) + " list");
            }
            Exchanges.json(exchange, 200, users ? Map.of("users", auth.users()) : Map.of("tokens", tokenList()));
            return;
        }
        if (s.size() > 2 && !(s.size() == 3 && s.get(2).isEmpty())) {
            throw new HttpError(400, "invalid name: name contains '/'");
        }
        String name = s.get(1);
        String problem = Names.problem(name);
        if (problem != null) {
            throw new HttpError(400, "invalid name: " + problem);
        }
        if (users) {
            user(exchange, method, name);
        } else {
            token(exchange, method, name);
        }
    }

    private void user(HttpServerExchange exchange, String method, String name) throws Exception {
        switch (method) {
            case "GET" -> {
                if (!auth.hasUser(name)) {
                    throw new HttpError(404, "user " + name + " not found");
                }
                Exchanges.json(exchange, 200, Map.of("name", name));
            }
            case "POST" -> {
                Object password = Exchanges.jsonObject(exchange).get("password");
                String problem = password instanceof String p ? Passwords.problem(p) : "body must be {\"password\": \"...\"}";
                if (problem != null) {
                    throw new HttpError(400, problem);
                }
                if (!auth.addUser(name, (String) password)) {
                    throw new HttpError(400, "user " + name + " already exists");
                }
                Exchanges.empty(exchange, 201);
            }
            case "DELETE" -> {
                if (!auth.deleteUser(name)) {
                    throw new HttpError(404, "user " + name + " not found" + (auth.hasUser(name) ? " in the database (it is in the configuration file)" : ""));
                }
                Exchanges.empty(exchange, 204);
            }
            default -> throw new HttpError(405, "method " + method + " not allowed");
        }
    }

    private void token(HttpServerExchange exchange, String method, String name) {
        switch (method) {
            case "POST" -> {
                String secret = auth.createToken(name, Instant.now())
                        .orElseThrow(() -> new HttpError(400, "token " + name + " already exists"));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                body.put("token", secret);
                Exchanges.json(exchange, 201, body);
            }
            case "DELETE" -> {
                if (!auth.revokeToken(name)) {
                    throw new HttpError(404, "token " + name + " not found");
                }
                Exchanges.empty(exchange, 204);
            }
            default -> throw new HttpError(405, "method " + method + " not allowed on a token (GET the list)");
        }
    }

    private List<Map<String, String>> tokenList() {
        return auth.tokens().stream().map(t -> Map.of("name", t.name(), "created", t.created().toString())).toList();
    }
}
