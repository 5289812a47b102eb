package org.bergenholm.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bergenholm.Appliance;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.tftp.TftpConfig;
import org.bergenholm.images.ImageCacheConfig;

/** The real appliance on a loopback port with the embedded database in a temporary folder. */
public final class TestServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path dataDir;
    private final boolean ownDir;
    private final Appliance appliance;

    private TestServer(Path dataDir, boolean ownDir, String seed, TftpConfig tftp, Path bootAssets, ImageCacheConfig images)
            throws Exception {
        this.dataDir = dataDir;
        this.ownDir = ownDir;
        this.appliance = new Appliance(new ApplianceConfig("127.0.0.1", 0, tftp, "off", null, "127.0.0.1",
                "http://127.0.0.1:8080", null, dataDir, bootAssets, seed, ApplianceConfig.DEFAULT_EVENTS_PER_HOST, images,
                org.bergenholm.dhcp.DhcpConfig.defaults()));
    }

    private TestServer(Path dataDir, boolean ownDir, String seed, TftpConfig tftp, Path bootAssets) throws Exception {
        this(dataDir, ownDir, seed, tftp, bootAssets, ImageCacheConfig.defaults());
    }

    private TestServer(Path dataDir, boolean ownDir, String seed) throws Exception {
        this(dataDir, ownDir, seed, null, null);
    }

    /** Empty database on an existing data directory (kept on close), with these image cache settings. */
    public static TestServer startWithImages(Path dataDir, ImageCacheConfig images) throws Exception {
        return new TestServer(dataDir, false, "none", null, null, images);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Empty database, TFTP on a free loopback port serving {@code bootAssets}. */
    public static TestServer startWithTftp(Path bootAssets) throws Exception {
        TftpConfig tftp = TftpConfig.defaults().withPort(0).withListenAddress(java.net.InetAddress.getLoopbackAddress());
        return new TestServer(Files.createTempDirectory("bergenholm-test"), true, "none", tftp, bootAssets);
    }

    public int tftpPort() {
        return appliance.tftpPort();
    }

    /** Empty database. */
    public static TestServer start() throws Exception {
        return new TestServer(Files.createTempDirectory("bergenholm-test"), true, "none");
    }

    /** On an existing data directory (kept on close), with a seed folder, null (built-in) or "none". */
    public static TestServer start(Path dataDir, String seed) throws Exception {
        return new TestServer(dataDir, false, seed);
    }

    /** Commands of this name sent to the database so far. */
    public long databaseCommands(String name) {
        return appliance.database().commands(name);
    }

    public String url() {
        return "http://127.0.0.1:" + appliance.httpPort();
    }

    public String apiUrl() {
        return url() + "/api/1.0";
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, null);
    }

    public Reply send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
    }

    public Reply json(String method, String path, String json) throws IOException, InterruptedException {
        return send(method, path, "application/json", json);
    }

    /** Status, body and content type of an answer. */
    public record Reply(int status, String body, String contentType) {
    }

    @Override
    public void close() throws IOException {
        appliance.close();
        if (ownDir) {
            try (Stream<Path> s = Files.walk(dataDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
