package org.bergenholm.tftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * File contents held in memory so that a hundred machines booting at once read each loader
 * from disk once, not once per block. An entry is reloaded when mtime or size changes.
 * Boot assets are a handful of files of a few MB, so there is no eviction.
 */
final class FileCache {
    private record Key(Path path, boolean netascii) { }

    private record Entry(long mtime, long size, byte[] bytes) { }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    byte[] read(Path path, boolean netascii) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        long mtime = attrs.lastModifiedTime().toMillis();
        Key key = new Key(path, netascii);
        Entry entry = entries.get(key);
        if (entry == null || entry.mtime != mtime || entry.size != attrs.size()) {
            byte[] raw = Files.readAllBytes(path);
            entry = new Entry(mtime, attrs.size(), netascii ? toNetascii(raw) : raw);
            entries.put(key, entry);
        }
        return entry.bytes;
    }

    /** RFC 1350 netascii: LF becomes CR LF, a bare CR becomes CR NUL. */
    static byte[] toNetascii(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + raw.length / 16);
        for (byte b : raw) {
            if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else if (b == '\r') {
                out.write('\r');
                out.write(0);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
