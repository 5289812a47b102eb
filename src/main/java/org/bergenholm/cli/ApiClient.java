package org.bergenholm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * HTTP calls to the Bergenholm REST API. Its one job is to turn every failure (refused
 * connection, non-2xx status) into a {@link ClientException} with a one-line message, so the
 * commands never have to look at status codes or exceptions themselves.
 */
public final class ApiClient {
    /** Status and raw body of an answer. */
    public record Response(int status, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String authorization; // null when there are no credentials to send
    private final HttpClient http;

    public ApiClient(String baseUrl, String user, String password) {
        this(baseUrl, user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8)));
    }

    private ApiClient(String baseUrl, String authorization) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = authorization;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A client that sends `Authorization: Bearer TOKEN`. */
    public static ApiClient withToken(String baseUrl, String token) {
        return new ApiClient(baseUrl, "Bearer " + token.strip());
    }

    /** Encodes one path segment (an id may be any string), spaces as %20 not '+'. */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Builds "?k=v&..." from pairs in order; empty for none. */
    public static String query(Map<String, String> pairs) {
        StringBuilder sb = new StringBuilder();
        pairs.forEach((k, v) -> sb.append(sb.length() == 0 ? '?' : '&')
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    public String get(String path, String what) {
        return send("GET", path, null, null, what).body();
    }

    public JsonNode getJson(String path, String what) {
        String body = get(path, what);
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ClientException(what + ": the server answered something that is not JSON");
        }
    }

    /** Sends the request; throws ClientException for any status >= 400 unless it is allowed. */
    public Response send(String method, String path, String body, String contentType, String what) {
        Response r = exchange(method, path, body, contentType);
        if (r.status() >= 400) {
            throw new ClientException(what + ": " + r.status() + " " + errorMessage(r));
        }
        return r;
    }

    /** Like send, but hands back error statuses instead of throwing (import needs to see 400). */
    public Response exchange(String method, String path, String body, String contentType) {
        URI uri;
        try {
            uri = URI.create(baseUrl + path);
        } catch (IllegalArgumentException e) {
            throw new ClientException("invalid URL " + shown(baseUrl) + ": " + e.getMessage());
        }
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
        } catch (IllegalArgumentException e) {
            throw new ClientException("invalid URL " + shown(baseUrl) + ": " + e.getMessage());
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body());
        } catch (ConnectException e) {
            throw new ClientException.Unreachable("cannot reach " + shown(baseUrl) + ": " + connectReason(e));
        } catch (HttpTimeoutException e) {
            throw new ClientException.Unreachable("cannot reach " + shown(baseUrl) + ": timed out");
        } catch (IOException e) {
            throw new ClientException.Unreachable("cannot reach " + shown(baseUrl) + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted");
        }
    }

    /** The server's {"error": ...} text, else a short body, else the status's usual name. */
    static String errorMessage(Response r) {
        String body = r.body() == null ? "" : r.body().strip();
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.hasNonNull("error")) {
                return oneLine(n.get("error").asText());
            }
        } catch (IOException notJson) {
            // fall through: 1.0-style or proxy error pages are not JSON
        }
        if (!body.isEmpty() && body.length() <= 200 && !body.startsWith("<")) {
            return oneLine(body);
        }
        return switch (r.status()) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 500 -> "internal server error";
            default -> "error";
        };
    }

    private static String connectReason(ConnectException e) {
        // The JDK often leaves the message empty for a refused connection.
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() || m.toLowerCase().contains("refused") ? "connection refused" : m;
    }

    /** The URL as shown in messages, without any user:password@ part. */
    static String shown(String url) {
        return url.replaceFirst("//[^/@]*@", "//");
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
