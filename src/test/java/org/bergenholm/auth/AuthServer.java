package org.bergenholm.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bergenholm.Appliance;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.dhcp.DhcpConfig;
import org.bergenholm.images.ImageCacheConfig;

/** The real appliance on a loopback port with these auth settings, and a real HTTP client for it. */
final class AuthServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path dataDir;
    final Appliance appliance;

    AuthServer(Path dataDir, AuthConfig auth) throws Exception {
        this.dataDir = dataDir;
        this.appliance = new Appliance(new ApplianceConfig("127.0.0.1", 0, null, "off", null, "127.0.0.1",
                "http://127.0.0.1:8080", null, dataDir, null, "none", ApplianceConfig.DEFAULT_EVENTS_PER_HOST,
                ImageCacheConfig.defaults(), DhcpConfig.defaults(), auth));
    }

    String url() {
        return "http://127.0.0.1:" + appliance.httpPort();
    }

    String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin.token")).strip();
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String authorization) throws Exception {
        return send("GET", path, authorization, null);
    }

    /** As an administrator (the admin token); fails the test unless the status is {@code expected}. */
    String admin(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = send(method, path, bearer(adminToken()), body);
        if (r.statusCode() != expected) {
            throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() {
        appliance.close();
    }
}
