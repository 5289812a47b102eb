package org.bergenholm.doctor;

/** One check's verdict; {@code fix} says what to do when it failed. */
public record Finding(String check, boolean ok, String detail, String fix) {
    static Finding pass(String check, String detail) {
        return new Finding(check, true, detail, "");
    }

    static Finding fail(String check, String detail, String fix) {
        return new Finding(check, false, detail, fix);
    }

    /** One line for the terminal. */
    public String line() {
        return (ok ? "ok    " : "FAIL  ") + check + ": " + detail + (ok ? "" : " -> " + fix);
    }
}
