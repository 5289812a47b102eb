package org.bergenholm.power;

/** Power state as the REST API reports it. */
public enum PowerState {
    ON, OFF, UNKNOWN;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
