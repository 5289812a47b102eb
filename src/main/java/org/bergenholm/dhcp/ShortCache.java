package org.bergenholm.dhcp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers inventory answers for a couple of seconds: a DORA exchange asks the same
 * questions (host of this MAC, owner of this address) twice within milliseconds, and on the
 * embedded database every question is a collection scan. A host edited through the API is
 * seen by DHCP at most {@code ttlMillis} later.
 */
final class ShortCache<K, V> {
    private static final int MAX_ENTRIES = 50_000;

    private record Entry<V>(V value, long expires) {
    }

    private final long ttlNanos;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

    ShortCache(long ttlMillis) {
        this.ttlNanos = ttlMillis * 1_000_000L;
    }

    V get(K key, Function<K, V> load) {
        long now = System.nanoTime();
        Entry<V> e = entries.get(key);
        if (e != null && e.expires() - now > 0) {
            return e.value();
        }
        V value = load.apply(key);
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now + ttlNanos));
        return value;
    }
}
