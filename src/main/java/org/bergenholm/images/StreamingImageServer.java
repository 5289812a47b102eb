package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bergenholm.events.EventLog;
import org.bergenholm.http.HttpError;

/**
 * Streams an image from its upstream URL (through `proxy_url` when set) to the client
 * without holding it in memory, passing on Content-Length and Content-Type, as 1.0 did.
 */
public final class StreamingImageServer implements ImageServer {
    private final Duration timeout;
    private final EventLog events;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public StreamingImageServer(Duration timeout, EventLog events) {
        this.timeout = timeout;
        this.events = events;
    }

    @Override
    public void serve(HttpServerExchange exchange, ImageRequest request) throws Exception {
        URI uri = URI.create(request.url());
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new HttpError(502, request.label() + " URL must be http or https: " + request.url());
        }
        long start = System.nanoTime();
        HttpRequest upstream = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client(request.proxyUrl()).send(upstream, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            events.record(request.hostId(), request.label() + " failed", Map.of("url", request.url(), "error", "timeout"));
            throw new HttpError(504, "upstream " + request.url() + " timed out");
        } catch (java.io.IOException e) {
            events.record(request.hostId(), request.label() + " failed", Map.of("url", request.url(), "error", String.valueOf(e.getMessage())));
            throw new HttpError(502, "upstream " + request.url() + " unreachable: " + e.getMessage());
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                events.record(request.hostId(), request.label() + " failed", Map.of("url", request.url(), "status", response.statusCode()));
                throw new HttpError(502, "upstream " + request.url() + " answered " + response.statusCode());
            }
            response.headers().firstValueAsLong("content-length")
                    .ifPresent(n -> exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, n));
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE,
                    response.headers().firstValue("content-type").orElse("application/octet-stream"));
            exchange.startBlocking();
            long bytes = 0;
            if (!exchange.getRequestMethod().toString().equals("HEAD")) {
                try (OutputStream out = exchange.getOutputStream()) {
                    bytes = in.transferTo(out);
                }
            }
            events.record(request.hostId(), request.label() + " served", Map.of("bytes", bytes,
                    "duration_ms", (System.nanoTime() - start) / 1_000_000, "cache", "off"));
        }
    }

    private HttpClient client(String proxyUrl) {
        return clients.computeIfAbsent(proxyUrl == null ? "" : proxyUrl, p -> {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL);
            if (!p.isEmpty()) {
                URI proxy = URI.create(p);
                b.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort() > 0 ? proxy.getPort() : 80)));
            }
            return b.build();
        });
    }
}
