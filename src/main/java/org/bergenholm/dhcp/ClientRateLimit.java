package org.bergenholm.dhcp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code perSecond} packets per client MAC per second reach the handlers: a client
 * stuck in a loop (or a flood with one MAC) cannot take the workers and the database from
 * everybody else. Real clients send a few packets a second at most.
 */
final class ClientRateLimit {
    private static final int MAX_TRACKED = 100_000;

    private final int perSecond;
    private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();

    ClientRateLimit(int perSecond) {
        this.perSecond = perSecond;
    }

    boolean allow(String mac, long nowNanos) {
        if (windows.size() > MAX_TRACKED) {
            // Many distinct MACs (a spoofing flood): forget them all rather than grow without bound.
            windows.clear();
        }
        long[] w = windows.computeIfAbsent(mac, k -> new long[] {nowNanos, 0});
        synchronized (w) {
            if (nowNanos - w[0] >= 1_000_000_000L) {
                w[0] = nowNanos;
                w[1] = 0;
            }
            return ++w[1] <= perSecond;
        }
    }
}
