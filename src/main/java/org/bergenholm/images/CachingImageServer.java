package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bergenholm.events.EventLog;
import org.bergenholm.http.Exchanges;
import org.bergenholm.http.HttpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves kernels and initrds through the {@link ImageCache}; `file://` URLs from the local
 * mirror; hosts with `cache: false` through plain streaming. Every answer is an event on the
 * host's timeline: "<label> served" with bytes, duration and hit/miss, or "<label> failed".
 *
 * <p>No thread waits for an upstream to answer: a request for an image being fetched leaves a
 * callback with its download and is answered from one of Undertow's workers once the upstream's
 * headers are in. A body of known length then goes out from the connection's I/O thread, as its
 * bytes land. Only what must wait on an upstream throughout (a body of unknown length, `cache:
 * false` streaming) takes a transfer thread of its own, never one of Undertow's few workers, so a
 * boot storm cannot leave the REST API without one. At most {@link #MAX_TRANSFERS} answers are
 * under way at once, counted from request to the body's last byte.
 */
public final class CachingImageServer implements ImageServer {
    private static final Logger log = LoggerFactory.getLogger(CachingImageServer.class);
    static final int MAX_TRANSFERS = 1024;

    private final ImageCache cache;
    private final LocalMirror mirror;
    private final ImageServer uncached;
    private final EventLog events;
    /** A client that takes no byte of a complete image for this long is cut off, as a silent upstream is. */
    private final Duration stall;
    private final Semaphore slots = new Semaphore(MAX_TRANSFERS);
    private final ExecutorService transfers = new ThreadPoolExecutor(0, MAX_TRANSFERS, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "image-transfer");
                t.setDaemon(true);
                return t;
            });

    public CachingImageServer(ImageCache cache, ImageCacheConfig config, EventLog events) throws IOException {
        this.cache = cache;
        this.mirror = new LocalMirror(config.mirrorDir());
        this.uncached = new StreamingImageServer(config.readTimeout(), events);
        this.stall = config.readTimeout();
        this.events = events;
    }

    @Override
    public void serve(HttpServerExchange exchange, ImageRequest request) {
        if (!slots.tryAcquire()) {
            tooMany(exchange);
            return;
        }
        long start = System.nanoTime();
        // Answered once Undertow is done with this handler (a dispatched exchange is not ended then).
        if (request.url().startsWith("file:")) {
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> answer(exchange, request, null, null, start));
        } else if (request.cache()) {
            // From this worker when the image is at hand, else once its upstream has answered.
            Thread worker = Thread.currentThread();
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> cache.openLater(request.url(), request.proxyUrl(),
                    (lease, error) -> opened(exchange, request, lease, error, start, worker)));
        } else {
            // Streamed by a thread that waits on the upstream. Undertow hands the task to the executor
            // after this returns, so a full pool is answered from there.
            exchange.dispatch(task -> {
                try {
                    transfers.execute(task);
                } catch (RejectedExecutionException e) {
                    slots.release();
                    tooMany(exchange);
                }
            }, () -> answer(exchange, request, null, null, start));
        }
    }

    /**
     * Through the cache: an image at hand is opened from disk, one that is not starts its download and
     * is answered from a worker once the upstream answers. The local mirror and streaming wait on files
     * or upstreams, and go to a worker.
     */
    @Override
    public boolean servesWithoutBlocking(ImageRequest request) {
        return request.throughCache();
    }

    /**
     * Where an opened image is answered: on the worker that asked, if it was at hand; else on one
     * of Undertow's workers, as only its headers are sent from there (the body goes out from the
     * I/O thread); a body of unknown length, sent by a waiting thread, on a transfer thread.
     */
    private void opened(HttpServerExchange exchange, ImageRequest request, ImageLease lease, Exception error, long start, Thread asked) {
        Runnable answer = () -> answer(exchange, request, lease, error, start);
        try {
            if (lease != null && !lease.lengthKnown()) {
                transfers.execute(answer);
            } else if (Thread.currentThread() == asked) {
                answer.run();
            } else {
                exchange.getConnection().getWorker().execute(answer);
            }
        } catch (RejectedExecutionException e) {
            if (lease != null) {
                lease.close();
            }
            slots.release();
            tooMany(exchange);
        }
    }

    private static void tooMany(HttpServerExchange exchange) {
        Exchanges.json(exchange, 503, Map.of("error", "too many image transfers under way (" + MAX_TRANSFERS + ")"));
    }

    /**
     * Holds one of the transfer slots until the response has ended, here or from the I/O thread.
     * {@code opened}: the image, already opened, or {@code openError} why it could not be; both null
     * to open it here.
     */
    private void answer(HttpServerExchange exchange, ImageRequest request, ImageLease opened, Exception openError, long start) {
        boolean async = false;
        try {
            if (opened == null && openError == null && !request.cache() && !request.url().startsWith("file:")) {
                uncached.serve(exchange, request);
            } else {
                async = fromDisk(exchange, request, opened, openError, start);
            }
        } catch (HttpError e) {
            if (exchange.isResponseStarted()) {
                cut(exchange);
            } else {
                Exchanges.json(exchange, e.status(), Map.of("error", e.getMessage()));
            }
        } catch (Exception e) {
            log.error("serving {} of {} failed", request.label(), request.hostId(), e);
            cut(exchange);
        } finally {
            if (!async) {
                slots.release();
            }
        }
    }

    /** True when the answer went on, and releases its slot, after this returned. */
    private boolean fromDisk(HttpServerExchange exchange, ImageRequest request, ImageLease opened, Exception openError,
                             long start) throws Exception {
        boolean local = request.url().startsWith("file:");
        ImageLease lease;
        try {
            if (openError != null) {
                throw openError;
            }
            lease = opened != null ? opened : mirror.open(request.url());
        } catch (HttpError e) {
            failed(request, e.status(), e.getMessage());
            throw e;
        }
        try {
            ImageResponse.send(exchange, lease, stall, (bytes, error) -> {
                lease.close();
                try {
                    if (error == null) {
                        served(exchange, request, lease, local, bytes, start);
                    } else {
                        // Whether the upstream broke or the client left, the body is short: end the
                        // connection so no client mistakes what it got for the whole image.
                        cut(exchange);
                        failed(request, 0, error.getMessage());
                    }
                } finally {
                    slots.release();
                }
            });
            return true;
        } catch (IOException e) { // the client left before the headers were out
            lease.close();
            cut(exchange);
            failed(request, 0, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private void served(HttpServerExchange exchange, ImageRequest request, ImageLease lease, boolean local, long bytes, long start) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", Urls.shown(request.url()));
        details.put("status", exchange.getStatusCode());
        details.put("bytes", bytes);
        details.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
        details.put("cache", local ? "mirror" : lease.hit() ? "hit" : "miss");
        events.record(request.hostId(), request.label() + " served", details);
    }

    private static void cut(HttpServerExchange exchange) {
        try {
            exchange.getConnection().close();
        } catch (IOException ignored) {
            // Closing is all that was left to do.
        }
    }

    private void failed(ImageRequest request, int status, String error) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", Urls.shown(request.url()));
        if (status != 0) {
            details.put("status", status);
        }
        details.put("error", String.valueOf(error));
        events.record(request.hostId(), request.label() + " failed", details);
    }
}
