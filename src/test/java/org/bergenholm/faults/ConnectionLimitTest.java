package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bergenholm.events.StoredEventLog;
import org.bergenholm.http.Health;
import org.bergenholm.http.HttpLimits;
import org.bergenholm.http.HttpServer;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.metrics.Metrics;
import org.bergenholm.render.TemplateRenderer;
import org.bergenholm.store.Database;
import org.bergenholm.store.EventStore;
import org.bergenholm.store.ParameterStore;
import org.bergenholm.store.TemplateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At its connection limit the server stops accepting: the next client waits in the kernel's
 * backlog, unanswered, and is served as soon as enough connections have gone. A small limit
 * here; the appliance's is {@link HttpLimits#defaults()}.
 */
class ConnectionLimitTest {
    private static final int LIMIT = 40;

    @TempDir Path dir;

    @Test
    void overTheLimitWaitsUntilConnectionsGo() throws Exception {
        try (Database db = Database.embedded(dir); StoredEventLog events = new StoredEventLog(new EventStore(db), 100)) {
            Inventory inventory = new Inventory(new ParameterStore(db, "hosts"), new ParameterStore(db, "groups"),
                    new TemplateStore(db), new TemplateRenderer(), events);
            HttpLimits limits = new HttpLimits(LIMIT, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30));
            HttpServer http = new HttpServer("127.0.0.1", 0, inventory, null, events, null, null, null, new Health(), new Metrics(),
                    null, org.bergenholm.auth.Auth.start(org.bergenholm.auth.AuthConfig.off(), db, dir, inventory,
                            org.bergenholm.inventory.InstallTokens.NONE), limits);
            http.start();
            List<Socket> idle = new ArrayList<>();
            try {
                assertTrue(answer(http.port(), 5000).startsWith("HTTP/1.1 200"), "below the limit");
                for (int i = 0; i < LIMIT; i++) {
                    idle.add(new Socket("127.0.0.1", http.port()));
                }
                Thread.sleep(300); // let the server accept them all
                Socket waiting = new Socket("127.0.0.1", http.port()); // the kernel completes the handshake
                idle.add(waiting);
                send(waiting);
                waiting.setSoTimeout(1500);
                assertThrows(SocketTimeoutException.class, () -> waiting.getInputStream().read(),
                        "the connection over the limit is not served while " + LIMIT + " are open");
                for (int i = 0; i < LIMIT / 2; i++) {
                    idle.remove(0).close();
                }
                waiting.setSoTimeout(5000);
                String reply = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 200"), "served once connections closed: " + reply);
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
                http.close();
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (Database db = Database.embedded(dir); StoredEventLog events = new StoredEventLog(new EventStore(db), 100)) {
            Inventory inventory = new Inventory(new ParameterStore(db, "hosts"), new ParameterStore(db, "groups"),
                    new TemplateStore(db), new TemplateRenderer(), events);
            HttpLimits limits = new HttpLimits(LIMIT, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30));
            HttpServer http = new HttpServer("127.0.0.1", 0, inventory, null, events, null, null, null, new Health(), new Metrics(),
                    null, org.bergenholm.auth.Auth.start(org.bergenholm.auth.AuthConfig.off(), db, dir, inventory,
                            org.bergenholm.inventory.InstallTokens.NONE), limits);
            http.start();
            try (Socket silent = new Socket("127.0.0.1", http.port()); Socket kept = new Socket("127.0.0.1", http.port())) {
                kept.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                silent.setSoTimeout(10_000);
                kept.setSoTimeout(10_000);
                assertTrue(silent.getInputStream().read() < 0, "a connection that never sends a request is closed");
                String reply = new String(kept.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
                assertTrue(millis < 5000, "a kept-alive connection with no next request is closed too, after " + millis + " ms");
            } finally {
                http.close();
            }
        }
    }

    private static void send(Socket s) throws java.io.IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static String answer(int port, int timeoutMillis) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMillis);
            send(s);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
