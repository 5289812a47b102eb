package org.bergenholm.images;

import io.undertow.util.DateUtils;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Date;
import org.bergenholm.http.HttpError;

/**
 * `file://` image URLs, allowed only inside the configured mirror directory (a host's
 * parameters must not be able to read /etc/shadow). The files are already on local disk, so
 * they are served straight from there, not copied into the cache.
 */
final class LocalMirror {
    private final Path root;

    /** root null: no mirror is configured and every file:// URL is refused. */
    LocalMirror(Path root) throws IOException {
        this.root = root == null ? null : root.toRealPath();
    }

    ImageLease open(String url) {
        if (root == null) {
            throw new HttpError(403, "file:// image URLs are only served from a local mirror directory (images-mirror-dir), and none is configured");
        }
        Path file;
        try {
            file = Path.of(URI.create(url)).toRealPath();
        } catch (IllegalArgumentException e) {
            throw new HttpError(502, "invalid image URL " + Urls.shown(url));
        } catch (IOException e) {
            throw new HttpError(502, "no such file in the local mirror: " + Urls.shown(url));
        }
        if (!file.startsWith(root)) {
            throw new HttpError(403, "image URL " + Urls.shown(url) + " is outside the local mirror directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new HttpError(502, "not a file in the local mirror: " + Urls.shown(url));
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            long size = channel.size();
            Instant modified = Files.getLastModifiedTime(file).toInstant();
            String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified.toEpochMilli()) + "\"";
            ImageMeta meta = new ImageMeta(url, etag, DateUtils.toDateString(Date.from(modified)), size,
                    "application/octet-stream", Instant.now());
            return new ImageLease(meta, channel, null, true, () -> { });
        } catch (IOException e) {
            throw new HttpError(502, "cannot read " + Urls.shown(url) + " from the local mirror: " + e.getMessage());
        }
    }
}
