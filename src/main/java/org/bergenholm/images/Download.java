package org.bergenholm.images;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bergenholm.http.HttpError;

/**
 * One upstream fetch of one URL into a temporary file, shared by every client of that URL.
 * Readers leave a callback here to be called when the upstream has answered; then a blocked
 * reader waits for each new stretch of bytes, and a non-blocking one leaves a callback to be woken
 * by. The download thread reports progress; what it wrote in the last {@value #LATEST_MILLIS} ms without reaching
 * {@link #WAKE_EVERY} is announced by a timer, so the tail before a pause is never held back.
 * State changes happen while the cache holds its lock, so the cache and its readers always agree
 * on whether the temporary file is still in play.
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
    private final ScheduledExecutorService timer;
    private State state = State.WAITING;
    private ImageMeta meta;
    private long written;
    /** Bytes on disk when waiting clients were last woken. */
    private long announced;
    private HttpError failure;
    /** Non-blocking readers at the end of what was announced, each to be called once. */
    private List<Runnable> wakers = new ArrayList<>();
    /** Clients waiting for the upstream's answer, each to be called once it is in (or the fetch failed before it). */
    private List<Runnable> answerWaiters = new ArrayList<>();
    private boolean tailScheduled;

    Download(String url, Path temp, ScheduledExecutorService timer) {
        this.url = url;
        this.temp = temp;
        this.timer = timer;
    }

    void streaming(ImageMeta m) {
        List<Runnable> answered;
        synchronized (this) {
            meta = m;
            state = State.STREAMING;
            answered = takeAnswerWaiters();
        }
        answered.forEach(Runnable::run);
    }

    void progress(long total) {
        List<Runnable> wake;
        synchronized (this) {
            written = total;
            // Clients of a download wait here in hundreds in a boot storm: waking them all for every
            // read of the upstream (16 KiB at a time) kept 500 threads fighting over this monitor and
            // slowed the download itself to a crawl (cold storm, docs/BENCHMARKS.md finding 10).
            if (total - announced < WAKE_EVERY) {
                if (!tailScheduled) {
                    tailScheduled = true;
                    try {
                        timer.schedule(this::announceTail, LATEST_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        tailScheduled = false; // the cache is closing; the end of the download announces the rest
                    }
                }
                return;
            }
            wake = announce();
        }
        wake.forEach(Runnable::run);
    }

    private void announceTail() {
        List<Runnable> wake;
        synchronized (this) {
            tailScheduled = false;
            if (written == announced) {
                return;
            }
            wake = announce();
        }
        wake.forEach(Runnable::run);
    }

    /** Holding the lock: wakes blocked readers and hands back the callbacks to run once it is let go. */
    private List<Runnable> announce() {
        announced = written;
        notifyAll();
        List<Runnable> wake = wakers;
        wakers = new ArrayList<>();
        return wake;
    }

    void finish(State end, HttpError why) {
        List<Runnable> wake;
        synchronized (this) {
            state = end;
            failure = why;
            wake = announce();
            wake.addAll(takeAnswerWaiters());
        }
        wake.forEach(Runnable::run);
    }

    /**
     * Calls {@code then} once the upstream has answered, or the fetch has ended before it did: at
     * once, on this thread, if that has happened already; else from the download's thread, which
     * may hold the cache's lock, so {@code then} only hands the work on.
     */
    void whenAnswered(Runnable then) {
        synchronized (this) {
            if (state == State.WAITING) {
                answerWaiters.add(then);
                return;
            }
        }
        then.run();
    }

    private List<Runnable> takeAnswerWaiters() {
        List<Runnable> answered = answerWaiters;
        answerWaiters = new ArrayList<>();
        return answered;
    }

    /**
     * Calls {@code wake} once after more than {@code pos} bytes have been announced or the
     * download has ended, and returns true; returns false, registering nothing, if more than pos
     * bytes are on disk already. Throws when no byte beyond pos will ever come (the download
     * failed, or ended before it).
     */
    synchronized boolean wakeBeyond(long pos, Runnable wake) throws IOException {
        if (state == State.FAILED) {
            throw broken();
        }
        if (written > pos) {
            return false;
        }
        if (state != State.STREAMING) {
            throw new EOFException("the download ended at byte " + written + ", before byte " + pos);
        }
        wakers.add(wake);
        return true;
    }

    private Broken broken() {
        return new Broken(failure == null ? "upstream failed" : failure.getMessage());
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

    /**
     * Waits until more than {@code pos} bytes are on disk (waiters wake every {@link #WAKE_EVERY}
     * bytes, and within {@value #LATEST_MILLIS} ms of the last write) or the download is complete, and
     * returns how many there are; a failed download throws, whatever was already there.
     */
    synchronized long awaitBeyond(long pos) throws IOException {
        while (true) {
            if (state == State.FAILED) {
                throw broken();
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
