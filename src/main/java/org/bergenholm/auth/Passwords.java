package org.bergenholm.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/** bcrypt (cost 10, about 60 ms) for stored passwords; pure Java, so nothing native to package. */
final class Passwords {
    private static final int COST = 10;
    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut. */
    static final int MAX_BYTES = 72;
    /** Verified against when the user does not exist, so that answer takes as long as a wrong password. */
    private static final String DUMMY = hash("not a real password");

    private Passwords() {
    }

    static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    static boolean verify(String password, String hash) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return false;
        }
        return BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified;
    }

    /** True when {@code hash} is a bcrypt hash this library can check against. */
    static boolean isHash(String hash) {
        return BCrypt.verifyer().verify(new char[] {'x'}, hash.toCharArray()).validFormat;
    }

    /** Spends the time of one verification, for a user that does not exist. */
    static void burn(String password) {
        verify(password, DUMMY);
    }

    /** Null when acceptable, else why not. */
    static String problem(String password) {
        if (password == null || password.length() < 8) {
            return "password must have at least 8 characters";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "password must be at most " + MAX_BYTES + " bytes";
        }
        return null;
    }
}
