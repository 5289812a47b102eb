package org.bergenholm.inventory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers which host an address or MAC belongs to for a short time. A boot storm asks the
 * same question for every TFTP transfer and DHCP packet; without this, the database round trip
 * costs more CPU than the transfer itself. A host whose `mac`/`ipaddr` changes is seen within
 * {@code ttl}. Resolved parameters are never cached: they must reflect the last PUT.
 */
public final class CachingHostLookup implements HostLookup {
    private static final int MAX_ENTRIES = 8192;

    private record Entry(Optional<String> hostId, long expiresAt) { }

    private final HostLookup inner;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Entry> byMac = new ConcurrentHashMap<>();

    public CachingHostLookup(HostLookup inner, Duration ttl) {
        this(inner, ttl, System::nanoTime);
    }

    CachingHostLookup(HostLookup inner, Duration ttl, LongSupplier clock) {
        this.inner = inner;
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    @Override
    public Optional<Map<String, Object>> resolve(String hostId) {
        return inner.resolve(hostId);
    }

    @Override
    public Optional<String> hostIdByMac(String mac) {
        return cached(byMac, mac, () -> inner.hostIdByMac(mac));
    }

    @Override
    public Optional<String> hostIdByAddress(String ipv4) {
        return cached(byAddress, ipv4, () -> inner.hostIdByAddress(ipv4));
    }

    private Optional<String> cached(Map<String, Entry> map, String key, java.util.function.Supplier<Optional<String>> load) {
        long now = clock.getAsLong();
        Entry entry = map.get(key);
        if (entry != null && now - entry.expiresAt < 0) {
            return entry.hostId;
        }
        Optional<String> hostId = load.get();
        if (map.size() >= MAX_ENTRIES) {
            map.clear(); // a crude bound; a storm refills it with the machines actually booting
        }
        map.put(key, new Entry(hostId, now + ttlNanos));
        return hostId;
    }
}
