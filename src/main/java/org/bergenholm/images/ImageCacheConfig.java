package org.bergenholm.images;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the image cache behaves: its size bound, how old an entry may get before it is
 * revalidated with the upstream, where `file://` URLs may point (null: nowhere) and how long
 * an upstream may take to connect and to send its next bytes.
 */
public record ImageCacheConfig(long maxBytes, Duration revalidateAfter, Path mirrorDir,
        Duration connectTimeout, Duration readTimeout) {
    public static final long DEFAULT_MAX_BYTES = 20L << 30;
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    public static ImageCacheConfig defaults() {
        return new ImageCacheConfig(DEFAULT_MAX_BYTES, Duration.ofHours(1), null, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public ImageCacheConfig withMaxBytes(long max) {
        return new ImageCacheConfig(max, revalidateAfter, mirrorDir, connectTimeout, readTimeout);
    }

    public ImageCacheConfig withRevalidateAfter(Duration age) {
        return new ImageCacheConfig(maxBytes, age, mirrorDir, connectTimeout, readTimeout);
    }

    public ImageCacheConfig withMirrorDir(Path dir) {
        return new ImageCacheConfig(maxBytes, revalidateAfter, dir, connectTimeout, readTimeout);
    }

    public ImageCacheConfig withTimeouts(Duration connect, Duration read) {
        return new ImageCacheConfig(maxBytes, revalidateAfter, mirrorDir, connect, read);
    }

    /** "20G", "20GiB", "512M", "1048576": binary multiples, as disk sizes are usually meant. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("size must look like 20G, 512MiB or a number of bytes, not '" + text + "'");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return n << shift;
    }

    /** "30s", "5m", "1h", "2d", "250ms"; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("duration must look like 30s, 5m, 1h or 2d, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
