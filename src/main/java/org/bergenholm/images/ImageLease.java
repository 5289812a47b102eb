package org.bergenholm.images;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A client's hold on one image: an open channel on a complete file, or on the temporary file
 * of a download still under way. While held, the cache never evicts the entry; closing it
 * lets go. The open channel keeps reading the same bytes even if the entry is replaced or
 * purged meanwhile (the file is renamed over or unlinked, its inode lives on).
 */
public final class ImageLease implements AutoCloseable {
    private final ImageMeta meta;
    private final FileChannel channel;
    private final Download download;
    private final boolean hit;
    private final Runnable release;

    ImageLease(ImageMeta meta, FileChannel channel, Download download, boolean hit, Runnable release) {
        this.meta = meta;
        this.channel = channel;
        this.download = download;
        this.hit = hit;
        this.release = release;
    }

    public ImageMeta meta() {
        return meta;
    }

    public FileChannel channel() {
        return channel;
    }

    /** Whether the bytes were already on disk, without a new upstream transfer. */
    public boolean hit() {
        return hit;
    }

    /** False while an upstream that sent no Content-Length is still going; known without asking the file system. */
    boolean lengthKnown() {
        return download == null || meta.length() >= 0;
    }

    /** The total length, or -1 while an upstream that sent no Content-Length is still going. */
    public long length() throws IOException {
        if (download == null) {
            return channel.size();
        }
        return meta.length();
    }

    /** The bytes on disk now, without waiting: all of them (Long.MAX_VALUE) once the image is complete. */
    long readable() {
        return download == null ? Long.MAX_VALUE : download.written();
    }

    /**
     * For a reader that has sent every byte on disk up to {@code pos}: calls {@code wake} once more
     * have landed or the download has ended, and returns true; false if more are on disk already.
     * Throws when no byte beyond pos will ever come (see {@link Download#wakeBeyond}).
     */
    boolean wakeBeyond(long pos, Runnable wake) throws IOException {
        if (download == null) {
            throw new EOFException("the image file ends at byte " + pos);
        }
        return download.wakeBeyond(pos, wake);
    }

    /** How many bytes can be read now, waiting until it is more than pos or the image ends. */
    public long awaitBeyond(long pos) throws IOException {
        return download == null ? channel.size() : download.awaitBeyond(pos);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // A read-only channel has nothing to lose on close.
        } finally {
            release.run();
        }
    }
}
