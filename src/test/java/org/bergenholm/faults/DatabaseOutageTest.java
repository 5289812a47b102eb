package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bergenholm.Appliance;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.dhcp.DhcpConfig;
import org.bergenholm.images.ImageCacheConfig;
import org.bergenholm.tftp.TftpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away and comes back: routes that need it answer 503 with Retry-After
 * within a few seconds (not the driver's 30 s), `/boot/`, `/healthz` and TFTP keep serving,
 * and everything works again by itself once the database answers. The database is the same
 * mongo-java-server + H2 pair the appliance embeds, run here on a fixed port so that it can be
 * stopped and started again under the appliance's feet.
 */
class DatabaseOutageTest {
    /** The driver waits 2 s for a server; the rest is slack for a loaded CI machine. */
    private static final long FAST_MILLIS = 4000;

    @TempDir Path dir;

    private byte[] bootFile() throws Exception {
        byte[] bytes = new byte[200_000];
        new Random(9).nextBytes(bytes);
        Files.createDirectories(dir.resolve("assets"));
        Files.write(dir.resolve("assets/undionly.kpxe"), bytes);
        return bytes;
    }

    private Appliance start(String mongoUri, TftpConfig tftp) throws Exception {
        return new Appliance(new ApplianceConfig("127.0.0.1", 0, tftp, "off", null, "127.0.0.1", "http://127.0.0.1",
                mongoUri, dir.resolve("data"), dir.resolve("assets"), "none", 100, ImageCacheConfig.defaults(),
                DhcpConfig.defaults()));
    }

    private static MongoServer mongo(Path file, int port) {
        MongoServer server = new MongoServer(new H2Backend(file.toString()));
        server.bind("127.0.0.1", port);
        return server;
    }

    @Test
    void stoppedAndRestartedDatabase() throws Exception {
        byte[] kpxe = bootFile();
        Path dbFile = dir.resolve("mongo.mv");
        MongoServer mongo = mongo(dbFile, 0);
        int port = mongo.getLocalAddress().getPort();
        // Two transfers per client: a transfer whose slot stayed taken while its event waited
        // for the database would refuse the third fetch below.
        TftpConfig tftp = TftpConfig.defaults().withPort(0).withListenAddress(InetAddress.getLoopbackAddress()).withLimits(256, 2);
        try (Appliance a = start("mongodb://127.0.0.1:" + port + "/bergenholm", tftp)) {
            String base = "http://127.0.0.1:" + a.httpPort();
            // The script's host comes from memory, its template from the database.
            assertEquals(201, Timed.postJson(base + "/api/1.0/hosts/h1", "{\"ipaddr\": \"127.0.0.1\", \"ipxe_script\": \"x.ipxe\"}").status());

            mongo.shutdownNow();
            for (String path : List.of("/api/1.0/hosts", "/api/1.0/hosts/h1", "/ipxe/script/h1", "/api/1.0/groups")) {
                Timed.Reply r = Timed.get(base + path);
                assertEquals(503, r.status(), path + ": " + r.body());
                assertNotNull(r.retryAfter(), path + " says when to retry");
                assertTrue(r.body().contains("\"error\":\"database unavailable\""), r.body());
                assertTrue(r.millis() < FAST_MILLIS, path + " took " + r.millis() + " ms");
            }
            Timed.Reply write = Timed.postJson(base + "/api/1.0/hosts/h2", "{\"a\": 1}");
            assertEquals(503, write.status(), write.body());
            assertTrue(write.millis() < FAST_MILLIS, "a write took " + write.millis() + " ms");

            Timed.Reply boot = Timed.get(base + "/boot/undionly.kpxe");
            assertEquals(200, boot.status());
            assertTrue(boot.millis() < 1000, "/boot/ took " + boot.millis() + " ms");
            Timed.Reply health = Timed.get(base + "/healthz");
            assertEquals(503, health.status());
            assertTrue(health.body().contains("\"database\":\"down\"") && health.body().contains("\"tftp\":\"up\""), health.body());
            assertTrue(health.millis() < FAST_MILLIS, "/healthz took " + health.millis() + " ms");

            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                assertArrayEquals(kpxe, atftp(a.tftpPort(), "fetch-" + i), "TFTP fetch " + i + " during the outage");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < 1500, "TFTP fetch " + i + " took " + millis + " ms");
            }

            mongo = mongo(dbFile, port);
            assertEquals(200, waitFor(base + "/api/1.0/hosts/h1", 200).status(), "recovers by itself");
            assertEquals(200, Timed.get(base + "/healthz").status());
            assertEquals(201, Timed.postJson(base + "/api/1.0/hosts/h2", "{\"a\": 1}").status());
            assertArrayEquals(kpxe, atftp(a.tftpPort(), "after"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String events = "";
            while (!events.contains("tftp served") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                events = Timed.get(base + "/api/1.0/hosts/h1/events").body();
            }
            assertTrue(events.contains("tftp served undionly.kpxe"), "TFTP events reach the timeline again: " + events);
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void nothingListensAtTheUriThenADatabaseAppears() throws Exception {
        bootFile();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        TftpConfig tftp = TftpConfig.defaults().withPort(0).withListenAddress(InetAddress.getLoopbackAddress());
        long started = System.nanoTime();
        try (Appliance a = start("mongodb://127.0.0.1:" + port + "/bergenholm", tftp)) {
            long startMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(startMillis < 10_000, "starts without its database in " + startMillis + " ms");
            String base = "http://127.0.0.1:" + a.httpPort();
            Timed.Reply r = Timed.get(base + "/api/1.0/hosts");
            assertEquals(503, r.status(), r.body());
            assertEquals("5", r.retryAfter());
            assertTrue(r.millis() < FAST_MILLIS, "answered in " + r.millis() + " ms");
            assertEquals(200, Timed.get(base + "/boot/undionly.kpxe").status());
            assertTrue(atftp(a.tftpPort(), "dead").length > 0);

            MongoServer mongo = mongo(dir.resolve("late.mv"), port);
            try {
                assertEquals(201, waitFor(base + "/api/1.0/hosts/late", 201, "{\"k\": \"v\"}").status());
                assertEquals("{\"k\":\"v\"}", Timed.get(base + "/api/1.0/hosts/late").body());
            } finally {
                mongo.shutdownNow();
            }
        }
    }

    private static Timed.Reply waitFor(String url, int status) throws Exception {
        return waitFor(url, status, null);
    }

    /** GET (or POST of {@code json}) until the answer has this status, for up to 20 s. */
    private static Timed.Reply waitFor(String url, int status, String json) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Timed.Reply r;
        do {
            r = json == null ? Timed.get(url) : Timed.postJson(url, json);
        } while (r.status() != status && System.nanoTime() < deadline);
        return r;
    }

    private byte[] atftp(int port, String name) throws Exception {
        Path out = dir.resolve(name + ".out");
        Process p = new ProcessBuilder("atftp", "-g", "-r", "undionly.kpxe", "-l", out.toString(), "127.0.0.1",
                Integer.toString(port)).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "atftp finished");
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), "atftp: " + output);
        return Files.readAllBytes(out);
    }
}
