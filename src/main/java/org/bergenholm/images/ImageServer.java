package org.bergenholm.images;

import io.undertow.server.HttpServerExchange;

/** Answers GET/HEAD (with Range) for an image; called on an Undertow worker thread. */
public interface ImageServer {
    void serve(HttpServerExchange exchange, ImageRequest request) throws Exception;
}
