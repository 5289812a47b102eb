package org.bergenholm.http;

import java.time.Duration;

/**
 * What one client may cost the HTTP server. Undertow runs on NIO, so a connection that is
 * open but slow costs a file descriptor and a little memory, never a thread; these bounds keep
 * even that finite and cut connections that never finish a request.
 *
 * @param maxConnections   open connections beyond which the server stops accepting (they wait in
 *                         the kernel's backlog) until the count falls to 90 % of it; below the
 *                         process's file limit, so files and TFTP sockets still open during a flood
 * @param parseTimeout     from a request's first byte to its last header: a slowloris sending a
 *                         byte every few seconds is cut after this, however slowly it trickles
 * @param noRequestTimeout an open connection with no request under way is closed after this
 */
public record HttpLimits(int maxConnections, Duration parseTimeout, Duration noRequestTimeout) {
    /**
     * Each connection's kernel send buffer (the kernel doubles it). Left to autotuning, 500 image
     * downloads at once grew theirs towards 4 MiB each, pushed the machine past the kernel's TCP
     * memory-pressure threshold (`net.ipv4.tcp_mem`, system-wide) and made the receivers drop
     * segments: senders backed off for up to 30 s (boot storm, docs/BENCHMARKS.md finding 12).
     * 256 KiB still moves 250 MB/s per connection at 1 ms round trip.
     */
    public static final int SEND_BUFFER = 256 << 10;
    public static HttpLimits defaults() {
        return new HttpLimits(10_000, Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    int lowWater() {
        return Math.max(1, maxConnections * 9 / 10);
    }
}
