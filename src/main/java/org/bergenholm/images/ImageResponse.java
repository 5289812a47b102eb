package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bergenholm.http.HttpError;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes a leased image to the client: headers, 304 for a matching If-None-Match, HEAD,
 * one byte range as 206. The body goes from the file channel to the socket with
 * transferFrom, which Undertow turns into sendfile for plain HTTP, from the connection's I/O
 * thread: the bytes of a download under way as they land, and the whole file once it is on disk.
 * Only a body of unknown length (an upstream without Content-Length, still downloading) is sent
 * from the calling thread.
 */
final class ImageResponse {
    private ImageResponse() {
    }

    /**
     * Answers with the image and then calls {@code done} once, with the body bytes sent and null,
     * or with an IOException when the body was cut short. An exception thrown from here means
     * nothing was sent and {@code done} is not called.
     */
    static void send(HttpServerExchange exchange, ImageLease lease, Duration stall, Done done) throws IOException {
        ImageMeta meta = lease.meta();
        long length = lease.length();
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, meta.contentType());
        if (meta.etag() != null) {
            headers.put(Headers.ETAG, meta.etag());
        }
        if (meta.lastModified() != null) {
            headers.put(Headers.LAST_MODIFIED, meta.lastModified());
        }
        String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
        if (meta.etag() != null && ifNoneMatch != null && (ifNoneMatch.equals(meta.etag()) || ifNoneMatch.strip().equals("*"))) {
            exchange.setStatusCode(304);
            exchange.endExchange();
            done.finished(0, null);
            return;
        }
        long from = 0;
        long to = length;
        if (length >= 0) {
            headers.put(Headers.ACCEPT_RANGES, "bytes");
            ByteRange range = ByteRange.parse(exchange.getRequestHeaders().getFirst(Headers.RANGE), length);
            if (range == ByteRange.UNSATISFIABLE) {
                headers.put(Headers.CONTENT_RANGE, "bytes */" + length);
                throw new HttpError(416, "range not satisfiable: the image has " + length + " bytes");
            }
            if (range != null) {
                exchange.setStatusCode(206);
                headers.put(Headers.CONTENT_RANGE, "bytes " + range.start() + "-" + range.end() + "/" + length);
                from = range.start();
                to = range.end() + 1;
            }
            headers.put(Headers.CONTENT_LENGTH, to - from);
        }
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.endExchange();
            done.finished(0, null);
            return;
        }
        StreamSinkChannel sink = exchange.getResponseChannel();
        if (length >= 0) { // no thread waits for the client, or for the download
            new FileBody(exchange, sink, lease, from, to, stall, done).start();
            return;
        }
        // Headers go out on their own first: with headers still buffered, Undertow's response
        // conduit copies a file transfer through its header buffer and the body came out wrong.
        Channels.flushBlocking(sink);
        long pos = 0;
        try {
            while (true) {
                long available = lease.awaitBeyond(pos);
                if (available <= pos) {
                    break; // the upstream has finished
                }
                while (pos < available) {
                    long n = sink.transferFrom(lease.channel(), pos, available - pos);
                    if (n > 0) {
                        pos += n;
                    } else {
                        awaitWritable(exchange, sink, stall);
                    }
                }
            }
            sink.shutdownWrites();
            while (!sink.flush()) {
                awaitWritable(exchange, sink, stall);
            }
            exchange.endExchange();
        } catch (IOException e) {
            done.finished(pos, e);
            return;
        }
        done.finished(pos, null);
    }

    /**
     * Waits for the client to take bytes, as the known-length body's timer does: a client that takes
     * none for {@code stall} is cut, or it would hold this transfer thread for as long as it stayed
     * connected (one of {@link CachingImageServer#MAX_TRANSFERS}).
     */
    private static void awaitWritable(HttpServerExchange exchange, StreamSinkChannel sink, Duration stall) throws IOException {
        long started = System.nanoTime();
        sink.awaitWritable(stall.toMillis(), TimeUnit.MILLISECONDS);
        if (System.nanoTime() - started >= stall.toNanos()) {
            IoUtils.safeClose(exchange.getConnection());
            throw new IOException("the client took no byte for " + stall.toMillis() + " ms");
        }
    }

    /** How a response ended: bytes of the body sent, and why it stopped short (null when it did not). */
    interface Done {
        void finished(long bytes, IOException error);
    }

    /**
     * A body of known length, sent from the connection's I/O thread whenever the socket can take
     * more, as nginx does: no thread waits on a slow client, and each wake-up is one sendfile.
     * (XNIO's blocking wait registers the socket with a selector of the waiting thread and cancels
     * it again every time the socket fills: several system calls a wake-up.) At the end of what a
     * download under way has written, it stops asking for write events and leaves a callback with
     * the download: in a cold boot storm hundreds of clients follow one download, and a thread
     * each, woken for every megabyte, cost more than the I/O thread sending the same bytes
     * (docs/BENCHMARKS.md, boot storm, finding 33).
     * A client that takes no byte for {@code stall} loses its connection, so one that stopped
     * reading does not hold a transfer slot for ever.
     */
    private static final class FileBody implements ChannelListener<StreamSinkChannel> {
        private final HttpServerExchange exchange;
        private final StreamSinkChannel sink;
        private final ImageLease lease;
        private final FileChannel file;
        private final long from;
        private final long to;
        private final long stallNanos;
        private final Done done;
        /**
         * This body until it has finished. The connection's close listener holds only this
         * reference, so a keep-alive connection does not keep every finished body it carried.
         */
        private final AtomicReference<FileBody> open = new AtomicReference<>(this);
        private volatile long pos;
        private volatile long lastProgress = System.nanoTime();
        /** The headers have left Undertow's buffer (see {@link #send}); flushed here, as this may start on the I/O thread. */
        private boolean headersOut;

        /** Sends bytes [from, to) of the leased image. */
        FileBody(HttpServerExchange exchange, StreamSinkChannel sink, ImageLease lease, long from, long to, Duration stall, Done done) {
            this.exchange = exchange;
            this.sink = sink;
            this.lease = lease;
            this.file = lease.channel();
            this.from = from;
            this.to = to;
            this.stallNanos = stall.toNanos();
            this.done = done;
            this.pos = from;
        }

        void start() {
            sink.getWriteSetter().set(this);
            // A client that leaves closes the connection without a write event.
            AtomicReference<FileBody> body = open;
            exchange.getConnection().addCloseListener(c -> {
                FileBody b = body.get();
                if (b != null) {
                    b.finish(new IOException("the connection closed " + (b.to - b.pos) + " bytes short"));
                }
            });
            sink.getIoThread().execute(() -> handleEvent(sink));
            watch();
        }

        private void watch() {
            sink.getIoThread().executeAfter(() -> {
                if (open.get() == null) {
                    return;
                }
                if (System.nanoTime() - lastProgress < stallNanos) {
                    watch();
                    return;
                }
                finish(new IOException("the client took no byte for " + stallNanos / 1_000_000 + " ms"));
                IoUtils.safeClose(exchange.getConnection());
            }, Math.max(1, stallNanos / 4_000_000), TimeUnit.MILLISECONDS);
        }

        @Override
        public void handleEvent(StreamSinkChannel channel) {
            if (open.get() == null) {
                return; // woken by the download after the body had ended
            }
            try {
                if (!headersOut) {
                    if (!channel.flush()) {
                        channel.resumeWrites();
                        return;
                    }
                    headersOut = true;
                }
                while (pos < to) {
                    long limit = Math.min(to, lease.readable());
                    if (pos >= limit) {
                        if (lease.wakeBeyond(pos, () -> channel.getIoThread().execute(() -> handleEvent(channel)))) {
                            channel.suspendWrites(); // a writable socket would call back at once, again and again
                            return;
                        }
                        continue; // more landed meanwhile
                    }
                    long want = limit - pos;
                    long n = channel.transferFrom(file, pos, want);
                    if (n <= 0) {
                        if (file.size() <= pos) {
                            throw new EOFException("the image file ends at byte " + pos + " of " + to);
                        }
                        channel.resumeWrites();
                        return;
                    }
                    pos += n;
                    lastProgress = System.nanoTime();
                    if (n < want) {
                        // sendfile stops short when the socket buffer is full: asking again would only fail
                        // (one more sendfile and two fstat per write event).
                        channel.resumeWrites();
                        return;
                    }
                }
                // Undertow flushes what is left itself: once the last byte is counted the response is
                // terminated, and the exchange's channel ignores resumeWrites (a flush waiting on it stalled).
                channel.suspendWrites();
                finish(null);
                exchange.endExchange();
            } catch (IOException e) {
                channel.suspendWrites();
                finish(e);
            }
        }

        private void finish(IOException error) {
            if (open.getAndSet(null) != null) {
                sink.getWriteSetter().set(null);
                done.finished(pos - from, error);
            }
        }
    }
}
