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
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "image-stream-watchdog");
                t.setDaemon(true);
                return t;
            });

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
                OutputStream out = exchange.getOutputStream();
                try {
                    bytes = copy(in, out);
                } catch (java.io.IOException e) {
                    // Closing the stream would send what is buffered as the whole answer (Undertow
                    // then fixes Content-Length to it): a short kernel must end in a cut connection.
                    events.record(request.hostId(), request.label() + " failed",
                            Map.of("url", request.url(), "error", String.valueOf(e.getMessage())));
                    exchange.getConnection().close();
                    return;
                }
                out.close();
            }
            events.record(request.hostId(), request.label() + " served", Map.of("bytes", bytes,
                    "duration_ms", (System.nanoTime() - start) / 1_000_000, "cache", "off"));
        }
    }

    /**
     * Copies the body, closing the upstream stream when one read waits longer than the
     * timeout: the JDK client's own timeout ends with the headers, and a read blocked in it
     * wakes only when its stream is closed. Time spent writing to a slow client does not count.
     */
    private long copy(InputStream in, OutputStream out) throws java.io.IOException {
        java.util.concurrent.atomic.AtomicLong readingSince = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean silent = new java.util.concurrent.atomic.AtomicBoolean();
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        java.util.concurrent.ScheduledFuture<?> dog = WATCHDOG.scheduleAtFixedRate(() -> {
            long since = readingSince.get();
            if (since != 0 && System.nanoTime() - since > timeout.toNanos() && !silent.getAndSet(true)) {
                try {
                    in.close();
                } catch (java.io.IOException ignored) {
                    // The reader wakes up either way.
                }
            }
        }, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try {
            while (true) {
                readingSince.set(System.nanoTime());
                int n = in.read(buf);
                readingSince.set(0);
                if (n < 0 || silent.get()) {
                    break;
                }
                out.write(buf, 0, n);
                total += n;
            }
        } catch (java.io.IOException e) {
            if (!silent.get()) {
                throw e;
            }
        } finally {
            dog.cancel(false);
        }
        if (silent.get()) {
            throw new java.io.IOException("upstream sent nothing for " + timeout.toMillis() + " ms");
        }
        return total;
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
