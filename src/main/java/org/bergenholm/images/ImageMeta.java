package org.bergenholm.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * What the upstream said about an image, kept beside the cached file so that the answer to a
 * client and a later revalidation need no upstream request. {@code length} is -1 while an
 * upstream without Content-Length is still sending; etag and lastModified may be null.
 */
public record ImageMeta(String url, String etag, String lastModified, long length, String contentType, Instant fetchedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    ImageMeta withLength(long n) {
        return new ImageMeta(url, etag, lastModified, n, contentType, fetchedAt);
    }

    ImageMeta withFetchedAt(Instant t) {
        return new ImageMeta(url, etag, lastModified, length, contentType, t);
    }

    /** Written to a temporary name and renamed, so a crash leaves the old file or the new one. */
    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(new Stored(url, etag, lastModified, length, contentType, fetchedAt.toEpochMilli())));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static ImageMeta read(Path file) throws IOException {
        Stored s = JSON.readValue(file.toFile(), Stored.class);
        if (s.url() == null) {
            throw new IOException(file + " names no url");
        }
        return new ImageMeta(s.url(), s.etag(), s.lastModified(), s.length(), s.contentType(), Instant.ofEpochMilli(s.fetchedAt()));
    }

    /** The on-disk form: plain fields so no Jackson module for Instant is needed. */
    private record Stored(String url, String etag, String lastModified, long length, String contentType, long fetchedAt) {
    }
}
