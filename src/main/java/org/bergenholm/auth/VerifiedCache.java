package org.bergenholm.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Credentials verified recently, so HTTP Basic on every request costs one bcrypt per
 * {@link #TTL_NANOS}, not one per request. Keyed by an HMAC of the Authorization header under a
 * key made at start: the clear password is never kept, and a heap dump gives nothing to test
 * guesses against offline. Least recently used entries go first past {@link #MAX}; any change
 * of users or tokens empties it, so a deleted user is refused at once.
 */
final class VerifiedCache {
    static final long TTL_NANOS = 60_000_000_000L;
    static final int MAX = 1024;

    private record Entry(String principal, long expires) {
    }

    private final SecretKeySpec key;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX;
        }
    };

    VerifiedCache() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    synchronized Optional<String> get(String authorization, long now) {
        String k = keyOf(authorization);
        Entry e = entries.get(k);
        if (e == null) {
            return Optional.empty();
        }
        if (now - e.expires() >= 0) {
            entries.remove(k);
            return Optional.empty();
        }
        return Optional.of(e.principal());
    }

    synchronized void put(String authorization, String principal, long now) {
        entries.put(keyOf(authorization), new Entry(principal, now + TTL_NANOS));
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }

    private String keyOf(String authorization) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(authorization.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
