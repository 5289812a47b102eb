package org.bergenholm.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins per client address: after {@link #LIMIT} within {@link #WINDOW_NANOS} of the
 * first, the address is answered 429 until that minute is over, without a password being
 * checked, so guessing costs the attacker time and the server no bcrypt. The answer is
 * immediate (no worker thread waits). At most {@link #MAX_ADDRESSES} addresses are tracked,
 * least recently failed dropped first, so a flood from many addresses cannot grow memory.
 */
final class FailureThrottle {
    static final int LIMIT = 5;
    static final long WINDOW_NANOS = 60_000_000_000L;
    static final int MAX_ADDRESSES = 10_000;

    private static final class Window {
        long start;
        int failures;
    }

    private final Map<String, Window> windows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** Seconds the address must wait, or 0 when it may try. */
    synchronized long retryAfterSeconds(String address, long now) {
        Window w = windows.get(address);
        if (w == null) {
            return 0;
        }
        long left = w.start + WINDOW_NANOS - now;
        if (left <= 0) {
            windows.remove(address);
            return 0;
        }
        return w.failures >= LIMIT ? Math.max(1, (left + 999_999_999L) / 1_000_000_000L) : 0;
    }

    synchronized void failed(String address, long now) {
        Window w = windows.get(address);
        if (w == null || now - w.start >= WINDOW_NANOS) {
            w = new Window();
            w.start = now;
            windows.put(address, w);
        }
        w.failures++;
    }

    synchronized int tracked() {
        return windows.size();
    }
}
