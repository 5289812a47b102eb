package org.bergenholm.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * @param bodyTimeout      from a request's last header to its body's last byte: a body still
 *                         incomplete then is answered 408 and its connection closed; no thread
 *                         waits for it meanwhile ({@link BodyReceiver})
 */
public record HttpLimits(int maxConnections, Duration parseTimeout, Duration noRequestTimeout, Duration bodyTimeout) {
    /**
     * Each connection's kernel send buffer (the kernel doubles it). Left to autotuning, 500 image
     * downloads at once to clients with large windows grew theirs towards 4 MiB each, pushed the
     * machine past the kernel's TCP memory-pressure threshold (`net.ipv4.tcp_mem`, system-wide)
     * and made the receivers drop segments: senders backed off for up to 30 s (boot storm,
     * docs/BENCHMARKS.md finding 12). Against iPXE's 256 KiB window, 512 KiB is what autotuning
     * gives nginx (about 520 KB per sendfile) and keeps data queued whenever the window opens:
     * half the write events of 256 KiB, and the clients receive in larger pieces (finding 27).
     */
    public static final int SEND_BUFFER = 512 << 10;
    /** Where Linux caps what SO_SNDBUF may ask for: 208 KiB by default on older kernels (Debian 12's 6.1), 4 MiB on newer ones. */
    public static final Path WMEM_MAX = Path.of("/proc/sys/net/core/wmem_max");

    /** The send buffer a connection gets before the kernel doubles it: SEND_BUFFER, or less if wmem_max caps it. */
    public static int effectiveSendBuffer() {
        try {
            // Files.readString trusts the size procfs reports and read "4" of "4194304" here.
            try (InputStream in = Files.newInputStream(WMEM_MAX)) {
                return (int) Math.min(SEND_BUFFER, Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            return SEND_BUFFER;
        }
    }

    public static HttpLimits defaults() {
        return new HttpLimits(10_000, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30));
    }

    int lowWater() {
        return Math.max(1, maxConnections * 9 / 10);
    }
}
