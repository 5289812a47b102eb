package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;

/** Answers GET/HEAD (with Range) for an image; called on an Undertow worker thread, or on the I/O thread where {@link #servesWithoutBlocking}. */
public interface ImageServer {
    void serve(HttpServerExchange exchange, ImageRequest request) throws Exception;

    /** True when {@link #serve} of this request never blocks, so the connection's I/O thread may call it. */
    default boolean servesWithoutBlocking(ImageRequest request) {
        return false;
    }
}
