package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Transfers run on threads of their own, not Undertow's few workers: a client waiting
 * for bytes of a slow download blocks its thread, and a boot storm must not leave the REST
 * API without a worker to answer.
 */
public final class CachingImageServer implements ImageServer {
    private static final Logger log = LoggerFactory.getLogger(CachingImageServer.class);
    static final int MAX_TRANSFERS = 1024;

    private final ImageCache cache;
    private final LocalMirror mirror;
    private final ImageServer uncached;
    private final EventLog events;
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
        this.events = events;
    }

    @Override
    public void serve(HttpServerExchange exchange, ImageRequest request) {
        // Undertow hands the task to the executor after this returns, so a full pool is answered from there.
        exchange.dispatch(task -> {
            try {
                transfers.execute(task);
            } catch (RejectedExecutionException e) {
                Exchanges.json(exchange, 503, Map.of("error", "too many image transfers under way (" + MAX_TRANSFERS + ")"));
            }
        }, () -> answer(exchange, request));
    }

    private void answer(HttpServerExchange exchange, ImageRequest request) {
        try {
            if (!request.cache() && !request.url().startsWith("file:")) {
                uncached.serve(exchange, request);
            } else {
                fromDisk(exchange, request);
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
        }
    }

    private void fromDisk(HttpServerExchange exchange, ImageRequest request) throws Exception {
        boolean local = request.url().startsWith("file:");
        long start = System.nanoTime();
        ImageLease lease;
        try {
            lease = local ? mirror.open(request.url()) : cache.open(request.url(), request.proxyUrl());
        } catch (HttpError e) {
            failed(request, e.status(), e.getMessage());
            throw e;
        }
        try (lease) {
            long bytes = ImageResponse.send(exchange, lease);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("url", Urls.shown(request.url()));
            details.put("status", exchange.getStatusCode());
            details.put("bytes", bytes);
            details.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
            details.put("cache", local ? "mirror" : lease.hit() ? "hit" : "miss");
            events.record(request.hostId(), request.label() + " served", details);
        } catch (IOException e) {
            // Whether the upstream broke or the client left, the body is short: end the
            // connection so no client mistakes what it got for the whole image.
            cut(exchange);
            failed(request, 0, e.getMessage());
        }
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
