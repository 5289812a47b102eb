package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bergenholm.events.EventLog;
import org.bergenholm.http.HttpError;

/**
 * Serves kernels and initrds through the {@link ImageCache}; `file://` URLs from the local
 * mirror; hosts with `cache: false` through plain streaming. Every answer is an event on the
 * host's timeline: "<label> served" with bytes, duration and hit/miss, or "<label> failed".
 */
public final class CachingImageServer implements ImageServer {
    private final ImageCache cache;
    private final LocalMirror mirror;
    private final ImageServer uncached;
    private final EventLog events;

    public CachingImageServer(ImageCache cache, ImageCacheConfig config, EventLog events) throws IOException {
        this.cache = cache;
        this.mirror = new LocalMirror(config.mirrorDir());
        this.uncached = new StreamingImageServer(config.readTimeout(), events);
        this.events = events;
    }

    @Override
    public void serve(HttpServerExchange exchange, ImageRequest request) throws Exception {
        boolean local = request.url().startsWith("file:");
        if (!local && !request.cache()) {
            uncached.serve(exchange, request);
            return;
        }
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
            exchange.getConnection().close();
            failed(request, 0, e.getMessage());
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
