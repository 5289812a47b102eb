package org.bergenholm.cli;

/** A client-side failure whose message is one line fit to show the user as is. */
public final class ClientException extends RuntimeException {
    public ClientException(String message) {
        super(message);
    }
}
