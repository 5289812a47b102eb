package org.bergenholm.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that dies mid-body: it answers 200 (announcing the full length, or chunked),
 * sends part of the body, waits until the test says so, and drops the connection. A plain
 * socket, because a well-behaved HTTP server library will not misbehave on purpose.
 */
final class BrokenUpstream implements AutoCloseable {
    private final ServerSocket listener;
    private final byte[] body;
    private final int sent;
    private final boolean chunked;
    private final CountDownLatch cut = new CountDownLatch(1);
    private final CountDownLatch partSent = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;

    BrokenUpstream(byte[] body, int sent, boolean chunked) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.body = body;
        this.sent = sent;
        this.chunked = chunked;
        this.acceptor = new Thread(this::acceptLoop, "broken-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/vmlinuz";
    }

    int requests() {
        return requests.get();
    }

    boolean awaitPartSent() throws InterruptedException {
        return partSent.await(20, TimeUnit.SECONDS);
    }

    /** Drops every connection it holds, mid-body. */
    void kill() {
        cut.countDown();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> answer(s), "broken-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket s) {
        try (s) {
            readHeaders(s.getInputStream());
            requests.incrementAndGet();
            OutputStream out = s.getOutputStream();
            String head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (chunked) {
                out.write((Integer.toHexString(sent) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, sent);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(body, 0, sent);
            }
            out.flush();
            partSent.countDown();
            cut.await(60, TimeUnit.SECONDS);
            s.setSoLinger(true, 0); // a reset, as when the mirror's process is killed
        } catch (IOException | InterruptedException e) {
            // The test is over or the client left; either way this connection is done.
        }
    }

    private static void readHeaders(InputStream in) throws IOException {
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("client closed");
            }
            state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
    }

    @Override
    public void close() throws IOException {
        cut.countDown();
        listener.close();
    }
}
