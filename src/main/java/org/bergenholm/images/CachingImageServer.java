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
 * <p>Transfers start on threads of their own, not Undertow's few workers: opening an image may
 * wait for its upstream to answer (and a body of unknown length is sent from that thread), and
 * a boot storm must not leave the REST API without a worker to answer. A body of known length
 * then goes out from the connection's I/O thread, as its bytes land. At most
 * {@link #MAX_TRANSFERS} answers are under way at once, counted from request to the body's last byte.
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
        ImageLease ready = null;
        boolean local = request.url().startsWith("file:");
        try {
            ready = local ? mirror.open(request.url()) : request.cache() ? cache.openReady(request.url()) : null;
        } catch (HttpError | IOException e) {
            // The transfer thread opens it again and answers the error the usual way.
        }
        if (ready != null) {
            // Nothing left to wait for: answered from this worker once the handler has returned (a
            // dispatched exchange is not ended by Undertow then), the body then goes out from the I/O
            // thread, and no transfer thread is woken for it (two in three requests of a boot storm).
            ImageLease lease = ready;
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> answer(exchange, request, lease));
            return;
        }
        // Undertow hands the task to the executor after this returns, so a full pool is answered from there.
        exchange.dispatch(task -> {
            try {
                transfers.execute(task);
            } catch (RejectedExecutionException e) {
                slots.release();
                tooMany(exchange);
            }
        }, () -> answer(exchange, request, null));
    }

    private static void tooMany(HttpServerExchange exchange) {
        Exchanges.json(exchange, 503, Map.of("error", "too many image transfers under way (" + MAX_TRANSFERS + ")"));
    }

    /**
     * Holds one of the transfer slots until the response has ended, here or from the I/O thread.
     * {@code ready}: the image, already opened; null to open it here.
     */
    private void answer(HttpServerExchange exchange, ImageRequest request, ImageLease ready) {
        boolean async = false;
        try {
            if (ready == null && !request.cache() && !request.url().startsWith("file:")) {
                uncached.serve(exchange, request);
            } else {
                async = fromDisk(exchange, request, ready);
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
    private boolean fromDisk(HttpServerExchange exchange, ImageRequest request, ImageLease ready) throws Exception {
        boolean local = request.url().startsWith("file:");
        long start = System.nanoTime();
        ImageLease lease;
        try {
            lease = ready != null ? ready : local ? mirror.open(request.url()) : cache.open(request.url(), request.proxyUrl());
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
