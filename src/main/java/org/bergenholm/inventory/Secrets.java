package org.bergenholm.inventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parameters whose names say they are secret (`ipmi_password`, `api_token`, ...) are shown as
 * {@link #MASK} wherever the appliance shows parameters or events; templates still get the real
 * values. A GET-edit-PUT round trip sends the mask back, which keeps the stored value.
 * Which names are secret is the `secret-params` setting: globs (`*` any text, `?` one
 * character), matched without regard to case. One setting for the whole process, made at start.
 */
public final class Secrets {
    public static final String MASK = "******";
    /** A `token=` query parameter inside a URL (an install token in `installed_url`, say). */
    private static final java.util.regex.Pattern URL_TOKEN = java.util.regex.Pattern.compile("([?&;]token=)[^&\\s\"']+");
    public static final List<String> DEFAULT_PATTERNS = List.of("*password*", "*passwd*", "*secret*", "*token*");
    private static volatile Names current = Names.of(DEFAULT_PATTERNS);

    private Secrets() { }

    /**
     * The globs, the one pattern they make, and the answers given so far: every recorded event's
     * keys are checked, and the pattern's leading {@code .*} made that a backtracking match per key.
     */
    private record Names(List<String> globs, Pattern pattern, Map<String, Boolean> answers) {
        /** Names remembered at most: parameter names are the users' own, and a stream of new ones must not grow the map. */
        static final int REMEMBERED = 4096;

        Names(List<String> globs, Pattern pattern) {
            this(globs, pattern, new java.util.concurrent.ConcurrentHashMap<>());
        }

        boolean secret(String key) {
            Boolean known = answers.get(key);
            if (known != null) {
                return known;
            }
            boolean secret = pattern.matcher(key).matches();
            if (answers.size() < REMEMBERED) {
                answers.put(key, secret);
            }
            return secret;
        }

        static Names of(List<String> globs) {
            StringBuilder regex = new StringBuilder();
            for (String glob : globs) {
                if (glob == null || glob.isBlank()) {
                    throw new IllegalArgumentException("secret-params: empty pattern");
                }
                regex.append(regex.length() > 0 ? "|" : "");
                for (String part : glob.trim().split("((?<=[*?])|(?=[*?]))")) {
                    regex.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
                }
            }
            // No globs: nothing is secret, a pattern that never matches.
            return new Names(List.copyOf(globs), Pattern.compile(regex.length() == 0 ? "(?!)" : regex.toString(),
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
        }
    }

    /** Makes these globs the secret names from now on; IllegalArgumentException for an empty one. */
    public static void use(List<String> globs) {
        current = Names.of(globs);
    }

    public static List<String> patterns() {
        return current.globs();
    }

    public static boolean isSecret(String key) {
        return key != null && current.secret(key);
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
        if (value instanceof Map<?, ?> m) {
            return masked((Map<String, Object>) m);
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Secrets::maskNested).toList();
        }
        return value;
    }

    /**
     * The message of a failed render with the text of every secret parameter replaced by the
     * mask: Jinjava quotes values in its errors (`Cannot coerce 's3cret' ...`).
     */
    public static org.bergenholm.render.TemplateException scrubbed(org.bergenholm.render.TemplateException e, Map<String, ?> params) {
        String message = e.getMessage();
        for (Map.Entry<String, ?> p : params.entrySet()) {
            if (isSecret(p.getKey()) && p.getValue() instanceof String text && !text.isEmpty() && message.contains(text)) {
                message = message.replace(text, MASK);
            }
        }
        return message.equals(e.getMessage()) ? e : new org.bergenholm.render.TemplateException(e.source(), e.line(),
                message.substring(message.indexOf(": ") + 2));
    }

    /** Puts the stored value back wherever {@code incoming} carries the mask for a secret. */
    public static void keepStored(Map<String, Object> incoming, Map<String, Object> stored) {
        incoming.replaceAll((key, value) -> MASK.equals(value) && isSecret(key) && stored.containsKey(key) ? stored.get(key) : value);
    }
}
