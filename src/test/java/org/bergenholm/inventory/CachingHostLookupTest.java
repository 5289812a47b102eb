package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingHostLookupTest {
    /** An in-memory inventory that counts how often it is asked. */
    private static final class CountingLookup implements HostLookup {
        final Map<String, String> byAddress = new HashMap<>();
        final AtomicInteger asked = new AtomicInteger();

        public Optional<Map<String, Object>> resolve(String hostId) {
            asked.incrementAndGet();
            return Optional.of(Map.of("id", hostId));
        }

        public Optional<String> hostIdByMac(String mac) {
            asked.incrementAndGet();
            return Optional.empty();
        }

        public Optional<String> hostIdByAddress(String ipv4) {
            asked.incrementAndGet();
            return Optional.ofNullable(byAddress.get(ipv4));
        }
    }

    @Test
    void answersFromMemoryUntilTheEntryExpires() {
        CountingLookup inner = new CountingLookup();
        inner.byAddress.put("10.0.0.5", "host5");
        AtomicLong now = new AtomicLong();
        CachingHostLookup lookup = new CachingHostLookup(inner, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 100; i++) {
            assertEquals(Optional.of("host5"), lookup.hostIdByAddress("10.0.0.5"));
            assertEquals(Optional.empty(), lookup.hostIdByAddress("10.0.0.6"));
        }
        assertEquals(2, inner.asked.get());

        inner.byAddress.put("10.0.0.6", "host6");
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertEquals(Optional.of("host6"), lookup.hostIdByAddress("10.0.0.6"));
        assertEquals(3, inner.asked.get());
    }

    @Test
    void resolvedParametersAreNeverCached() {
        CountingLookup inner = new CountingLookup();
        CachingHostLookup lookup = new CachingHostLookup(inner, Duration.ofSeconds(10));
        lookup.resolve("a");
        lookup.resolve("a");
        assertEquals(2, inner.asked.get());
    }
}
