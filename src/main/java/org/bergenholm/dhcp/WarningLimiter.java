package org.bergenholm.dhcp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * At most one warning per kind per interval; the next one says how many were held back,
 * so that a flood of bad packets costs one log line a minute, not one per packet.
 */
final class WarningLimiter {
    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, long[]> last = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

    WarningLimiter(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    void warn(String kind, String format, Object... args) {
        long now = System.nanoTime();
        long[] slot = last.computeIfAbsent(kind, k -> new long[] {now - intervalNanos - 1});
        boolean emit;
        synchronized (slot) {
            emit = now - slot[0] > intervalNanos;
            if (emit) {
                slot[0] = now;
            }
        }
        AtomicLong held = suppressed.computeIfAbsent(kind, k -> new AtomicLong());
        if (!emit) {
            held.incrementAndGet();
            return;
        }
        long n = held.getAndSet(0);
        log.warn(n == 0 ? format : format + " (" + n + " similar held back)", args);
    }
}
