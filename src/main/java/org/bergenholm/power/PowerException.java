package org.bergenholm.power;

/** A driver could not do what was asked. {@code timeout} marks an unreachable controller (HTTP 504). */
public class PowerException extends Exception {
    private final boolean timeout;

    public PowerException(String message, boolean timeout, Throwable cause) {
        super(message, cause);
        this.timeout = timeout;
    }

    public PowerException(String message) {
        this(message, false, null);
    }

    public boolean isTimeout() {
        return timeout;
    }
}
