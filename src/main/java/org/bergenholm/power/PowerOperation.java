package org.bergenholm.power;

import java.util.Locale;

/** What can be asked of a machine's power. */
public enum PowerOperation {
    STATUS, ON, OFF, RESET;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
