package org.bergenholm.cli;

/** A client-side failure whose message is one line fit to show the user as is. */
public class ClientException extends RuntimeException {
    public ClientException(String message) {
        super(message);
    }

    /** The server could not be reached at all: commands that loop (import) stop on this one. */
    public static final class Unreachable extends ClientException {
        public Unreachable(String message) {
            super(message);
        }
    }
}
