package org.bergenholm.images;

import java.io.IOException;
import java.nio.file.Path;
import org.bergenholm.http.HttpError;

/**
 * One upstream fetch of one URL into a temporary file, shared by every client of that URL.
 * Readers wait here for the headers and then for each new stretch of bytes; the download
 * thread reports progress. State changes happen while the cache holds its lock, so the cache
 * and its readers always agree on whether the temporary file is still in play.
 */
final class Download {
    enum State { WAITING, STREAMING, NOT_MODIFIED, COMPLETE, FAILED }

    /** A reader finds the download broken under it: the client must see its connection end. */
    static final class Broken extends IOException {
        Broken(String message) {
            super(message);
        }
    }

    static final long WAKE_EVERY = 1 << 20;
    private static final long LATEST_MILLIS = 100;

    final String url;
    final Path temp;
    private State state = State.WAITING;
    private ImageMeta meta;
    private long written;
    /** Bytes on disk when waiting clients were last woken. */
    private long announced;
    private HttpError failure;

    Download(String url, Path temp) {
        this.url = url;
        this.temp = temp;
    }

    synchronized void streaming(ImageMeta m) {
        meta = m;
        state = State.STREAMING;
        notifyAll();
    }

    synchronized void progress(long total) {
        written = total;
        // Clients of a download wait here in hundreds in a boot storm: waking them all for every
        // read of the upstream (16 KiB at a time) kept 500 threads fighting over this monitor and
        // slowed the download itself to a crawl (cold storm, docs/BENCHMARKS.md finding 10).
        if (total - announced >= WAKE_EVERY) {
            announced = total;
            notifyAll();
        }
    }

    synchronized void finish(State end, HttpError why) {
        state = end;
        failure = why;
        notifyAll();
    }

    synchronized State state() {
        return state;
    }

    synchronized ImageMeta meta() {
        return meta;
    }

    synchronized long written() {
        return written;
    }

    synchronized HttpError failure() {
        return failure;
    }

    /** Waits until the upstream has answered (or the fetch has failed before that). */
    synchronized State awaitHeaders() throws InterruptedException {
        while (state == State.WAITING) {
            wait();
        }
        return state;
    }

    /**
     * Waits until more than {@code pos} bytes are on disk (waiters wake every {@link #WAKE_EVERY}
     * bytes, or after 100 ms) or the download is complete, and
     * returns how many there are; a failed download throws, whatever was already there.
     */
    synchronized long awaitBeyond(long pos) throws IOException {
        while (true) {
            if (state == State.FAILED) {
                throw new Broken(failure == null ? "upstream failed" : failure.getMessage());
            }
            if (written > pos || state == State.COMPLETE) {
                return written;
            }
            try {
                wait(LATEST_MILLIS); // a pausing upstream announces nothing: look at what landed meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for " + Urls.shown(url));
            }
        }
    }
}
