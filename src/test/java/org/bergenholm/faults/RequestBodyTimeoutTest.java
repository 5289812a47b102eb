package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bergenholm.auth.Auth;
import org.bergenholm.auth.AuthConfig;
import org.bergenholm.events.StoredEventLog;
import org.bergenholm.http.Exchanges;
import org.bergenholm.http.Health;
import org.bergenholm.http.HttpLimits;
import org.bergenholm.http.HttpServer;
import org.bergenholm.inventory.InstallTokens;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.metrics.Metrics;
import org.bergenholm.render.TemplateRenderer;
import org.bergenholm.store.Database;
import org.bergenholm.store.EventStore;
import org.bergenholm.store.ParameterStore;
import org.bergenholm.store.TemplateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request body is received without a thread and within a deadline: clients that declare a
 * body and stop sending it take no worker from the API, and are answered 408 and disconnected
 * when the deadline passes. A short deadline here; the appliance's is {@link HttpLimits#defaults()}.
 */
class RequestBodyTimeoutTest {
    private static final Duration LIMIT = Duration.ofSeconds(2);
    /** Undertow's default: eight workers per I/O thread, one I/O thread per core (at least two). */
    private static final int WORKERS = Math.max(Runtime.getRuntime().availableProcessors(), 2) * 8;

    @TempDir Path dir;
    private Database db;
    private StoredEventLog events;
    private HttpServer http;

    @BeforeEach
    void start() throws Exception {
        db = Database.embedded(dir);
        events = new StoredEventLog(new EventStore(db), 100);
        Inventory inventory = new Inventory(new ParameterStore(db, "hosts"), new ParameterStore(db, "groups"),
                new TemplateStore(db), new TemplateRenderer(), events);
        HttpLimits limits = new HttpLimits(1000, Duration.ofSeconds(10), Duration.ofSeconds(60), LIMIT);
        http = new HttpServer("127.0.0.1", 0, inventory, null, events, null, null, null, new Health(), new Metrics(),
                null, Auth.start(AuthConfig.off(), db, dir, inventory, InstallTokens.NONE), limits);
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        events.close();
        db.close();
    }

    private Socket send(String request) throws IOException {
        Socket s = new Socket("127.0.0.1", http.port());
        s.setSoTimeout(15_000);
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    /** Everything the server sends until it closes the connection. */
    private static String reply(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String stalledUpload(String host) {
        return "POST /api/1.0/hosts/" + host + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{";
    }

    private String get(String path) throws IOException {
        try (Socket s = send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
            return reply(s);
        }
    }

    @Test
    void bodiesThatStopComingHoldNoWorkerAndAreCutAtTheDeadline() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            long opened = System.nanoTime();
            for (int i = 0; i < WORKERS + 8; i++) {
                stalled.add(send(stalledUpload("stalled" + i)));
            }
            // A blocking read held a worker per upload: this request found none and waited with them.
            for (int i = 0; i < 3; i++) {
                long asked = System.nanoTime();
                assertTrue(get("/api/1.0/hosts").startsWith("HTTP/1.1 200"));
                long millis = (System.nanoTime() - asked) / 1_000_000;
                assertTrue(millis < 1000, "the API answered in " + millis + " ms with " + stalled.size() + " bodies awaited");
            }
            for (Socket s : stalled) {
                String reply = reply(s); // ends when the server closes the connection
                assertTrue(reply.startsWith("HTTP/1.1 408"), reply);
                assertTrue(reply.endsWith("{\"error\":\"request body not received within 2 s\"}"), reply);
            }
            long millis = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(millis >= LIMIT.toMillis() && millis < LIMIT.toMillis() + 3000, "all cut after " + millis + " ms");
            assertTrue(get("/api/1.0/hosts/stalled0").startsWith("HTTP/1.1 404"), "nothing was stored");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aSlowBodyWithinTheDeadlineIsTaken() throws Exception {
        String body = "{\"kernel\": \"http://example/vmlinuz\"}";
        try (Socket s = send("POST /api/1.0/hosts/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n")) {
            for (int i = 0; i < body.length(); i += 10) {
                Thread.sleep(300);
                s.getOutputStream().write(body.substring(i, Math.min(body.length(), i + 10)).getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            String reply = reply(s);
            assertTrue(reply.startsWith("HTTP/1.1 20"), reply);
        }
        assertTrue(get("/api/1.0/hosts/slow").contains("http://example/vmlinuz"));
    }

    /** The status line of the next answer on {@code s}, read byte by byte so that nothing after it is taken. */
    private static String statusLine(Socket s) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = s.getInputStream().read(); c >= 0 && c != '\n'; c = s.getInputStream().read()) {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    @Test
    void aClientThatAsksFirstIsToldToGoOnUnlessTheBodyIsTooLarge() throws Exception {
        String body = "{\"kernel\": \"http://example/asked\"}";
        try (Socket s = send("POST /api/1.0/hosts/asked HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " + body.length() + "\r\n\r\n")) {
            s.setSoTimeout(1000); // curl waits a second for the 100, then sends anyway
            assertEquals("HTTP/1.1 100 Continue", statusLine(s));
            s.setSoTimeout(15_000);
            s.getOutputStream().write(body.getBytes(StandardCharsets.US_ASCII));
            String reply = reply(s);
            assertTrue(reply.contains("HTTP/1.1 201"), reply);
        }
        assertTrue(get("/api/1.0/hosts/asked").contains("http://example/asked"));

        try (Socket s = send("POST /api/1.0/templates/huge HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                + "Expect: 100-continue\r\nContent-Length: " + (2 * Exchanges.MAX_BODY) + "\r\n\r\n")) {
            s.setSoTimeout(5000);
            assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine(s), "answered without being sent the body");
        }
    }

    @Test
    void aChunkedBodyIsTakenAndOneOverTheLimitIs413() throws Exception {
        try (Socket s = send("POST /api/1.0/hosts/chunked HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n")) {
            Thread.sleep(300);
            s.getOutputStream().write("4\r\n \"b\"\r\n1\r\n}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = reply(s);
            assertTrue(reply.startsWith("HTTP/1.1 20"), reply);
        }
        assertTrue(get("/api/1.0/hosts/chunked").contains("\"a\""));

        // Sent from a thread while the answer is read, as curl does: Undertow cut such an upload with a reset.
        String piece = "x".repeat(64 * 1024);
        try (Socket s = send("POST /api/1.0/templates/big HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")) {
            Thread upload = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int sent = 0; sent <= 2 * Exchanges.MAX_BODY; sent += piece.length()) {
                        out.write((Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // the connection ended; what the server answered is checked below
                }
            });
            upload.start();
            String reply = reply(s);
            upload.join();
            assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
            assertTrue(reply.endsWith("{\"error\":\"request body is larger than " + Exchanges.MAX_BODY + " bytes\"}"), reply);
        }
        assertTrue(get("/api/1.0/templates/big").startsWith("HTTP/1.1 404"));
    }
}
