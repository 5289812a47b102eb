package org.bergenholm.inventory;

/** Which names of hosts, groups and templates are accepted. */
public final class Names {
    public static final int MAX_LENGTH = 200;

    private Names() {
    }

    /** Null when {@code name} is acceptable, else why not. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "name is longer than " + MAX_LENGTH + " characters";
        }
        if (name.contains("/") || name.contains("\\")) {
            return "name contains '/'";
        }
        if (name.equals(".") || name.contains("..")) {
            return "name contains '..'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "name contains a control character";
            }
        }
        if (name.startsWith("$")) {
            return "name starts with '$'";
        }
        return null;
    }
}
