package org.bergenholm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cache of verified headers: bounded, short-lived, emptied on demand. */
class VerifiedCacheTest {
    @Test
    void entriesExpireAfterTheirTtlAndTheCacheNeverGrowsPastItsBound() {
        VerifiedCache cache = new VerifiedCache();
        cache.put("Basic YWxpY2U6cHc=", "user alice", 0);
        assertEquals(Optional.of("user alice"), cache.get("Basic YWxpY2U6cHc=", VerifiedCache.TTL_NANOS - 1));
        assertTrue(cache.get("Basic YWxpY2U6cHc=", VerifiedCache.TTL_NANOS).isEmpty(), "expired");
        assertTrue(cache.get("Basic YWxpY2U6cHX=", 0).isEmpty(), "another header is another entry");

        for (int i = 0; i < VerifiedCache.MAX * 3; i++) {
            cache.put("Bearer t" + i, "token t" + i, 0);
        }
        assertEquals(VerifiedCache.MAX, cache.size());
        assertEquals(Optional.of("token t" + (VerifiedCache.MAX * 3 - 1)), cache.get("Bearer t" + (VerifiedCache.MAX * 3 - 1), 1));
        cache.clear();
        assertEquals(0, cache.size());
    }
}
