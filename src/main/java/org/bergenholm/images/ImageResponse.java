package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import org.bergenholm.http.HttpError;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes a leased image to the client: headers, 304 for a matching If-None-Match, HEAD,
 * one byte range as 206. The body goes from the file channel to the socket with
 * transferFrom, which Undertow turns into sendfile for plain HTTP; bytes of a download under
 * way are sent as they land.
 */
final class ImageResponse {
    private ImageResponse() {
    }

    /** Returns the body bytes sent; an IOException means the body was cut short. */
    static long send(HttpServerExchange exchange, ImageLease lease) throws IOException {
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
            return 0;
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
            return 0;
        }
        StreamSinkChannel sink = exchange.getResponseChannel();
        // Headers go out on their own first: with headers still buffered, Undertow's response
        // conduit copies a file transfer through its header buffer and the body came out wrong.
        Channels.flushBlocking(sink);
        long end = length >= 0 ? to : Long.MAX_VALUE;
        long pos = from;
        while (pos < end) {
            long available = lease.awaitBeyond(pos);
            if (available <= pos) {
                break; // an upstream without Content-Length has finished
            }
            long n = Math.min(available, end) - pos;
            Channels.transferBlocking(sink, lease.channel(), pos, n);
            pos += n;
        }
        sink.shutdownWrites();
        Channels.flushBlocking(sink);
        exchange.endExchange();
        return pos - from;
    }
}
