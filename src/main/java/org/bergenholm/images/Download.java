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

    final String url;
    final Path temp;
    private State state = State.WAITING;
    private ImageMeta meta;
    private long written;
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
        notifyAll();
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
     * Waits until more than {@code pos} bytes are on disk or the download is complete, and
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
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for " + Urls.shown(url));
            }
        }
    }
}
