package org.bergenholm.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bergenholm.store.CredentialStore;

/**
 * Checks an Authorization header (Basic user:password, or Bearer token) against the users of
 * the configuration file and the users and tokens in the database, and manages the latter.
 * Every change empties the cache of verified headers.
 */
public final class Authenticator {
    private final CredentialStore store;
    private final Map<String, String> configUsers;
    private final VerifiedCache cache = new VerifiedCache();

    public Authenticator(CredentialStore store, Map<String, String> configUsers) {
        this.store = store;
        this.configUsers = configUsers;
    }

    /** The principal ("user NAME" or "token NAME") the header proves, or empty. */
    public Optional<String> verify(String authorization, long now) {
        if (authorization == null || authorization.length() > 4096) {
            return Optional.empty();
        }
        Optional<String> cached = cache.get(authorization, now);
        if (cached.isPresent()) {
            return cached;
        }
        Optional<String> principal = check(authorization);
        principal.ifPresent(p -> cache.put(authorization, p, now));
        return principal;
    }

    private Optional<String> check(String authorization) {
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = authorization.substring(0, space);
        String value = authorization.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return store.tokenName(RandomSecrets.sha256(value)).map(name -> "token " + name);
        }
        if (!scheme.equalsIgnoreCase("Basic")) {
            return Optional.empty();
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = pair.substring(0, colon);
        String password = pair.substring(colon + 1);
        Optional<String> hash = Optional.ofNullable(configUsers.get(user)).or(() -> store.userHash(user));
        if (hash.isEmpty()) {
            Passwords.burn(password);
            return Optional.empty();
        }
        return Passwords.verify(password, hash.get()) ? Optional.of("user " + user) : Optional.empty();
    }

    /** True when nobody could log in: no user in the file, no user or token in the database. */
    boolean noCredentials() {
        return configUsers.isEmpty() && store.isEmpty();
    }

    boolean addUser(String name, String password) {
        return !configUsers.containsKey(name) && store.addUser(name, Passwords.hash(password));
    }

    boolean deleteUser(String name) {
        boolean deleted = store.deleteUser(name);
        cache.clear();
        return deleted;
    }

    /** Users of the database, then those of the configuration file. */
    List<Map<String, String>> users() {
        List<Map<String, String>> out = new ArrayList<>();
        store.userNames().forEach(n -> out.add(Map.of("name", n, "source", "database")));
        configUsers.keySet().stream().sorted().forEach(n -> out.add(Map.of("name", n, "source", "config")));
        return out;
    }

    boolean hasUser(String name) {
        return configUsers.containsKey(name) || store.userHash(name).isPresent();
    }

    /** A new token's secret, or empty when the name is taken. The secret is not kept anywhere. */
    Optional<String> createToken(String name, Instant now) {
        String secret = RandomSecrets.random();
        return store.addToken(name, RandomSecrets.sha256(secret), now) ? Optional.of(secret) : Optional.empty();
    }

    /** Registers a secret made elsewhere (the admin token file). */
    boolean addTokenSecret(String name, String secret, Instant now) {
        return store.addToken(name, RandomSecrets.sha256(secret), now);
    }

    boolean revokeToken(String name) {
        boolean deleted = store.deleteToken(name);
        cache.clear();
        return deleted;
    }

    List<CredentialStore.TokenInfo> tokens() {
        return store.tokens();
    }
}
