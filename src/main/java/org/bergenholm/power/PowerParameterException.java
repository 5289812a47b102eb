package org.bergenholm.power;

/** The host's parameters cannot drive its power: no or unknown driver, a missing or bad value (HTTP 400). */
public final class PowerParameterException extends PowerException {
    public PowerParameterException(String message) {
        super(message);
    }
}
