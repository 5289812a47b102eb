package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bergenholm.http.HttpLimits;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * 5,000 connections each sending a request's headers a byte every two seconds: Undertow's
 * NIO threads carry them for nothing, a normal client is answered at once throughout, and
 * every slow connection is cut once the request parse timeout has passed.
 */
class SlowlorisTest {
    private static final int SLOW = 5000;
    private static final byte[] HEADERS = "GET /api/1.0/hosts HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    /** A normal request may take this long while the slow ones are open; unloaded it takes a few ms. */
    private static final long BOUND_MILLIS = 1000;

    @Test
    void slowClientsNeitherStarveOthersNorStay() throws Exception {
        try (TestServer server = TestServer.start()) {
            int port = Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1));
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            List<SocketChannel> slow = new ArrayList<>(SLOW);
            try {
                long opened = System.nanoTime();
                for (int i = 0; i < SLOW; i++) {
                    SocketChannel c = SocketChannel.open(address);
                    c.configureBlocking(false);
                    c.write(ByteBuffer.wrap(HEADERS, 0, 1));
                    slow.add(c);
                }
                long openMillis = (System.nanoTime() - opened) / 1_000_000;
                long parseTimeout = HttpLimits.defaults().parseTimeout().toMillis();
                long worst = 0;
                int sent = 1;
                int answered = 0;
                // Trickle for a little less than the parse timeout, asking normally in between.
                long trickleUntil = opened + (parseTimeout - 2000) * 1_000_000;
                while (System.nanoTime() < trickleUntil) {
                    for (SocketChannel c : slow) {
                        c.write(ByteBuffer.wrap(HEADERS, sent % HEADERS.length, 1));
                    }
                    sent++;
                    for (int i = 0; i < 10; i++) {
                        long start = System.nanoTime();
                        assertEquals(200, status(port, "/api/1.0/hosts"));
                        worst = Math.max(worst, (System.nanoTime() - start) / 1_000_000);
                        answered++;
                        Thread.sleep(200);
                    }
                }
                assertTrue(worst < BOUND_MILLIS, "a normal client waited " + worst + " ms with " + SLOW + " slow connections open");
                System.out.printf("slowloris: %d connections opened in %d ms; %d normal requests, slowest %d ms%n",
                        SLOW, openMillis, answered, worst);

                // The parse timeout counts from a request's first byte; give the timer a few seconds of slack.
                long deadline = opened + (parseTimeout + 8000) * 1_000_000;
                int cut = 0;
                while (System.nanoTime() < deadline) {
                    cut = countClosed(slow);
                    if (cut == SLOW) {
                        break;
                    }
                    Thread.sleep(250);
                }
                long cutMillis = (System.nanoTime() - opened) / 1_000_000;
                assertEquals(SLOW, cut, "slow connections the server cut by " + cutMillis + " ms");
                System.out.printf("slowloris: all %d cut %d ms after they opened (parse timeout %d ms)%n", SLOW, cutMillis, parseTimeout);
                assertEquals(200, status(port, "/healthz"));
            } finally {
                for (SocketChannel c : slow) {
                    c.close();
                }
            }
        }
    }

    /** Slow connections the server has closed: a read sees the end, or the peer's reset. */
    private static int countClosed(List<SocketChannel> slow) {
        int closed = 0;
        ByteBuffer buf = ByteBuffer.allocate(1024);
        for (SocketChannel c : slow) {
            buf.clear();
            try {
                int n = c.read(buf);
                while (n > 0) { // an error answer (408) may come first
                    buf.clear();
                    n = c.read(buf);
                }
                if (n < 0) {
                    closed++;
                }
            } catch (IOException e) {
                closed++;
            }
        }
        return closed;
    }

    private static int status(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(reply.substring(9, 12));
        }
    }
}
