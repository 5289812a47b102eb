package org.bergenholm.http;

import io.undertow.io.IoCallback;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Receives an API request's body before its route runs, without holding a thread: the bytes are
 * read on the connection's I/O thread as they arrive and the route runs on a worker once the last
 * one is in. A blocking read held an Undertow worker for as long as a client that declared a body
 * kept its connection open without sending it; a few dozen such clients left the API without
 * workers. Now a body still incomplete at the deadline is answered 408 and its connection closed.
 */
final class BodyReceiver {
    private static final AttachmentKey<byte[]> BODY = AttachmentKey.create(byte[].class);
    /** The most of a refused body read and dropped after its 413, so that the client gets to read the answer. */
    private static final long DISCARD_LIMIT = 16L * Exchanges.MAX_BODY;

    private BodyReceiver() {
    }

    /** The received body (empty when the request had none). */
    static byte[] body(HttpServerExchange exchange) {
        byte[] body = exchange.getAttachment(BODY);
        if (body == null) {
            throw new IllegalStateException("a route read the request body before it was received");
        }
        return body;
    }

    /**
     * False when the body is already in (the caller goes on with its route). True when the body is
     * still coming, and {@code then} runs on a worker once it is in; or when the client has been
     * answered with an error, and {@code then} never runs.
     */
    static boolean receiving(HttpServerExchange exchange, Duration limit, Runnable then) {
        if (exchange.getAttachment(BODY) != null) {
            return false;
        }
        // Undertow's own limit cut the connection mid-body, and a client still sending got a reset
        // instead of the 413; this one only bounds how much of a refused body is read and dropped.
        exchange.setMaxEntitySize(DISCARD_LIMIT);
        if (exchange.getRequestContentLength() > Exchanges.MAX_BODY) {
            throw tooLarge();
        }
        if (HttpContinue.requiresContinueResponse(exchange)) {
            // A client that asked first (Expect: 100-continue) sends its body only once told to go on,
            // or after a wait of its own (a second for curl). One refused above is not told.
            HttpContinue.sendContinueResponse(exchange, CLOSE_ON_FAILURE);
        }
        Receipt receipt = new Receipt(then, limit);
        Receiver receiver = exchange.getRequestReceiver();
        receiver.setMaxBufferSize(Exchanges.MAX_BODY);
        receiver.receiveFullBytes(receipt::received, receipt::failed);
        return receipt.awaitFrom(exchange);
    }

    private static final String TOO_LARGE = "request body is larger than " + Exchanges.MAX_BODY + " bytes";

    private static HttpError tooLarge() {
        return new HttpError(413, TOO_LARGE);
    }

    private enum State { RECEIVING, IN, REFUSED, GONE }

    /**
     * One body's reception. The callbacks and the deadline run on the connection's I/O thread
     * (reads resume only after the route that asked has returned), so they never overlap.
     */
    private static final class Receipt {
        private final Runnable then;
        private final Duration limit;
        private State state = State.RECEIVING;
        /** The route that asked has returned: {@link #then} goes to a worker once the body is in. */
        private boolean awaited;
        private XnioExecutor.Key deadline;

        Receipt(Runnable then, Duration limit) {
            this.then = then;
            this.limit = limit;
        }

        void received(HttpServerExchange exchange, byte[] body) {
            if (state != State.RECEIVING) {
                return;
            }
            state = State.IN;
            exchange.putAttachment(BODY, body);
            if (awaited) {
                deadline.remove();
                exchange.dispatch(then);
            }
        }

        void failed(HttpServerExchange exchange, IOException e) {
            if (state != State.RECEIVING) {
                return;
            }
            if (e instanceof Receiver.RequestToLargeException) {
                // Undertow reads the rest of the body and drops it after this answer, then closes;
                // the deadline still ends a client that keeps sending.
                state = State.REFUSED;
                exchange.setPersistent(false);
                Exchanges.json(exchange, 413, Map.of("error", TOO_LARGE));
            } else {
                state = State.GONE; // the client went away
                if (deadline != null) {
                    deadline.remove();
                }
                IoUtils.safeClose(exchange.getConnection());
            }
        }

        /** True unless the body is in already; see {@link #receiving}. */
        boolean awaitFrom(HttpServerExchange exchange) {
            if (state == State.IN || state == State.GONE) {
                return state == State.GONE;
            }
            awaited = true;
            deadline = exchange.getIoThread().executeAfter(() -> expired(exchange), limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }

        private void expired(HttpServerExchange exchange) {
            if (state == State.REFUSED) {
                IoUtils.safeClose(exchange.getConnection());
            } else if (state == State.RECEIVING) {
                state = State.GONE;
                answerAndClose(exchange, 408, "request body not received within " + limit.toSeconds() + " s");
            }
        }
    }

    /** The client has stopped sending, so the connection cannot carry another request. */
    private static void answerAndClose(HttpServerExchange exchange, int status, String error) {
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        Exchanges.json(exchange, status, Map.of("error", error), CLOSE);
    }

    /** After a 100 Continue: the body follows, unless the answer could not be sent. */
    private static final IoCallback CLOSE_ON_FAILURE = new IoCallback() {
        @Override
        public void onComplete(HttpServerExchange sent, Sender sender) {
            // the body follows
        }

        @Override
        public void onException(HttpServerExchange failed, Sender sender, IOException exception) {
            IoUtils.safeClose(failed.getConnection());
        }
    };

    private static final IoCallback CLOSE = new IoCallback() {
        @Override
        public void onComplete(HttpServerExchange done, Sender sender) {
            IoUtils.safeClose(done.getConnection());
        }

        @Override
        public void onException(HttpServerExchange failed, Sender sender, IOException exception) {
            IoUtils.safeClose(failed.getConnection());
        }
    };
}
