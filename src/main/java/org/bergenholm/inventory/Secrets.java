package org.bergenholm.inventory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parameters whose names say they are secret (`ipmi_password`, `api_token`, ...) are shown as
 * {@link #MASK} wherever the appliance shows parameters or events; templates still get the real
 * values. A GET-edit-PUT round trip sends the mask back, which keeps the stored value.
 */
public final class Secrets {
    public static final String MASK = "******";
    private static final String[] MARKS = {"password", "passwd", "secret", "token"};
    /** A `token=` query parameter inside a URL (an install token in `installed_url`, say). */
    private static final java.util.regex.Pattern URL_TOKEN = java.util.regex.Pattern.compile("([?&;]token=)[^&\\s\"']+");

    private Secrets() { }

    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String mark : MARKS) {
            if (k.contains(mark)) {
                return true;
            }
        }
        return false;
    }

    /** A copy with every secret value (at any depth) replaced by the mask. */
    public static Map<String, Object> masked(Map<String, Object> params) {
        Map<String, Object> out = new LinkedHashMap<>();
        params.forEach((key, value) -> out.put(key, isSecret(key) && value != null ? MASK : maskNested(value)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object maskNested(Object value) {
        if (value instanceof String s && s.contains("token=")) {
            return URL_TOKEN.matcher(s).replaceAll("$1" + MASK);
        }
        return value instanceof Map<?, ?> m ? masked((Map<String, Object>) m) : value;
    }

    /** Puts the stored value back wherever {@code incoming} carries the mask for a secret. */
    public static void keepStored(Map<String, Object> incoming, Map<String, Object> stored) {
        incoming.replaceAll((key, value) -> MASK.equals(value) && isSecret(key) && stored.containsKey(key) ? stored.get(key) : value);
    }
}
