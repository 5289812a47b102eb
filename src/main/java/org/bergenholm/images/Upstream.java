package org.bergenholm.images;

import java.io.IOException;
import java.io.InputStream;
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
import org.bergenholm.http.HttpError;

/** Opens an image at its http(s) upstream, directly or through a `proxy_url`, optionally conditional. */
final class Upstream {
    /** Status and headers of an upstream answer, its body still to be read. */
    record Reply(int status, ImageMeta meta, InputStream body) {
    }

    static {
        // The JDK client moves bodies in 16 KiB buffers by default, which held a 64 MiB download
        // from a local nginx to ~150 MiB/s; 256 KiB made it about 3x faster. The JDK reads this
        // documented property once, when its HTTP client first loads, and this class loads
        // before the appliance builds any client. An operator's own -D value wins.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", String.valueOf(256 << 10));
        }
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    Upstream(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        // Built now, not at the first miss: building the JDK's first client loads its default TLS
        // context and CA certificates (about 120 ms of CPU), which held up the first download of a
        // cold storm while a thousand machines waited for it (docs/BENCHMARKS.md finding 42).
        client(null);
    }

    /**
     * Sends the request and returns once the headers are in. An unreachable upstream is a 502
     * and one that does not answer within the read timeout a 504, as the client should see them.
     */
    Reply open(String url, String proxyUrl, ImageMeta cached) throws InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new HttpError(502, "invalid image URL " + Urls.shown(url));
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new HttpError(502, "image URL must be http, https or file: " + Urls.shown(url));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(readTimeout).GET();
        if (cached != null && cached.etag() != null) {
            b.header("If-None-Match", cached.etag());
        }
        if (cached != null && cached.lastModified() != null) {
            b.header("If-Modified-Since", cached.lastModified());
        }
        HttpResponse<InputStream> r;
        try {
            r = client(proxyUrl).send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new HttpError(504, "upstream " + Urls.shown(url) + " timed out");
        } catch (IOException e) {
            throw new HttpError(502, "upstream " + Urls.shown(url) + " unreachable: " + reason(e));
        }
        var h = r.headers();
        ImageMeta meta = new ImageMeta(url, h.firstValue("etag").orElse(null), h.firstValue("last-modified").orElse(null),
                h.firstValueAsLong("content-length").orElse(-1),
                h.firstValue("content-type").orElse("application/octet-stream"), java.time.Instant.now());
        return new Reply(r.statusCode(), meta, r.body());
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException && (m == null || m.isBlank())) {
            return "connection refused";
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private HttpClient client(String proxyUrl) {
        return clients.computeIfAbsent(proxyUrl == null ? "" : proxyUrl, p -> {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
                    .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NORMAL);
            if (!p.isEmpty()) {
                URI proxy = URI.create(p);
                int port = proxy.getPort() > 0 ? proxy.getPort() : "https".equals(proxy.getScheme()) ? 443 : 80;
                b.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), port)));
            }
            return b.build();
        });
    }
}
