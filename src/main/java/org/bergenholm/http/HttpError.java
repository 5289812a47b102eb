package org.bergenholm.http;

/** Ends a request with this status and a JSON `{"error": message}` body. */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
