package org.bergenholm.render;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders templates with Jinjava, configured and patched to give the output Python's
 * Jinja2 (default environment) gives: no autoescape, one trailing newline dropped,
 * `\r\n` read as `\n`, Python-style printing of values. Parsed templates are cached by
 * their text, so a template is parsed again only when its text changes.
 */
public final class TemplateRenderer {
    private static final int CACHE_LIMIT = 2048;
    /** Texts longer than this are parsed each time; real templates are a few KiB. */
    static final int CACHE_MAX_TEXT = 256 * 1024;
    static final long CACHE_CHARS = 16L * 1024 * 1024;
    /** A render may take this long; loops of loops over range() can otherwise run for hours. */
    public static final java.time.Duration RENDER_LIMIT = java.time.Duration.ofSeconds(5);
    /** Characters a render may produce; the largest real kickstart or preseed is a few KiB. */
    public static final long MAX_OUTPUT = 4L * 1024 * 1024;
    /** Items a list or dict built by a template may hold. */
    public static final int MAX_ITEMS = 100_000;
    /** Macro calls nested this deep end the render; Jinja2 templates recurse over trees a few levels deep. */
    public static final int MAX_MACRO_DEPTH = 64;
    /**
     * Bean properties no template may read (methods are allowlisted in {@link SandboxResolver}):
     * getters that lead to classes, the runtime, or print a Java object instead of data.
     */
    private static final java.util.Set<String> RESTRICTED_PROPERTIES = java.util.Set.of("bytes", "class", "classLoader",
            "declaringClass", "module", "runtime", "properties");
    private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[1]);

    private final Jinjava jinjava;
    private final Map<String, Node> parsed = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong cachedChars = new java.util.concurrent.atomic.AtomicLong();

    public TemplateRenderer() {
        LegacyOverrides jinja2 = LegacyOverrides.newBuilder()
                .withUsePyishObjectMapper(true)
                .withIterateOverMapKeys(true)
                .withEvaluateMapKeys(true)
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withKeepNullableLoopValues(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withLegacyOverrides(jinja2)
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .withMaxOutputSize(MAX_OUTPUT)
                // Values built inside a render are bounded too, not only what it prints: doubling a
                // list twenty times, or `|center(10**9)`, allocated gigabytes before any output.
                .withMaxStringLength(MAX_OUTPUT)
                .withMaxListSize(MAX_ITEMS)
                .withMaxMapSize(MAX_ITEMS)
                .withMaxRenderDepth(10)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(MAX_MACRO_DEPTH)
                .withRestrictedProperties(RESTRICTED_PROPERTIES)
                .withElResolver(new SandboxResolver(com.hubspot.jinjava.el.JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY,
                        MAX_OUTPUT, MAX_ITEMS))
                // Called before every node: where a runaway render is stopped.
                .withNodePreProcessor((node, interpreter) -> {
                    if (System.nanoTime() - DEADLINE.get()[0] > 0) {
                        throw new RenderTimeLimit();
                    }
                })
                .build();
        this.jinjava = new Jinjava(config);
        // Jinjava's default locator reads the class path (`{% include 'logback.xml' %}` printed it): templates include nothing.
        jinjava.setResourceLocator((path, encoding, interpreter) -> {
            throw new com.hubspot.jinjava.loader.ResourceNotFoundException("templates cannot include, import or extend other files: " + path);
        });
    }

    /** Parses {@code source}; throws naming {@code name} and the line on a syntax error. */
    public void check(String name, String source) {
        render(name, source, Map.of());
    }

    public String render(String name, String source, Map<String, ?> params) {
        return render(name, source, params, System.nanoTime() + RENDER_LIMIT.toNanos());
    }

    /**
     * As {@link #render(String, String, Map)}, stopped at {@code deadline} ({@link System#nanoTime()})
     * if that comes before the render's own limit: the caller's budget for many renders.
     */
    public String render(String name, String source, Map<String, ?> params, long deadline) {
        String text = jinja2Source(source);
        Context context = new Context(jinjava.getGlobalContext(), params, null, false);
        java.util.Set<String> nulls = new java.util.HashSet<>();
        params.forEach((k, v) -> {
            if (v == null) {
                nulls.add(k);
            }
        });
        context.setExpressionStrategy(new Jinja2Output(nulls));
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig());
        JinjavaInterpreter.pushCurrent(interpreter);
        long own = System.nanoTime() + RENDER_LIMIT.toNanos();
        DEADLINE.get()[0] = deadline - own < 0 ? deadline : own;
        try {
            Node tree = parsed.get(text);
            if (tree == null) {
                tree = interpreter.parse(text);
                failOnFatal(name, interpreter.getErrorsCopy());
                cache(text, tree);
            }
            String out = interpreter.render(tree, false);
            if (System.nanoTime() - DEADLINE.get()[0] > 0) {
                throw overTime(name, interpreter);
            }
            failOnFatal(name, interpreter.getErrorsCopy());
            return out;
        } catch (TemplateException e) {
            throw e;
        } catch (RenderTimeLimit e) {
            throw overTime(name, interpreter);
        } catch (RuntimeException e) {
            if (System.nanoTime() - DEADLINE.get()[0] > 0) { // Jinjava wraps what the pre-processor threw
                throw overTime(name, interpreter);
            }
            throw new TemplateException(name, interpreter.getLineNumber(), String.valueOf(e.getMessage()));
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /**
     * Bounded by count and by characters: parameter values are rendered as templates too, and a
     * value grown to megabytes by its rounds, kept as a key, held gigabytes (found by fuzzing).
     */
    private void cache(String text, Node tree) {
        if (text.length() > CACHE_MAX_TEXT) {
            return;
        }
        if (parsed.size() >= CACHE_LIMIT || cachedChars.get() + text.length() > CACHE_CHARS) {
            parsed.clear();
            cachedChars.set(0);
        }
        if (parsed.put(text, tree) == null) {
            cachedChars.addAndGet(text.length());
        }
    }

    /** Characters of template text held by the parse cache. */
    long cachedChars() {
        return cachedChars.get();
    }

    private static TemplateException overTime(String name, JinjavaInterpreter interpreter) {
        return new TemplateException(name, interpreter.getLineNumber(), "rendering took longer than " + RENDER_LIMIT.toSeconds() + " s");
    }

    /** Thrown from the node pre-processor once the deadline has passed. */
    private static final class RenderTimeLimit extends RuntimeException {
        RenderTimeLimit() {
            super("render time limit", null, false, false);
        }
    }

    /** Fatal errors, and the limits Jinjava only warns about (it would print a recursive macro as nothing). */
    private static void failOnFatal(String name, List<TemplateError> errors) {
        for (TemplateError e : errors) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL || e.getReason() == TemplateError.ErrorReason.OVER_LIMIT
                    || e.getReason() == TemplateError.ErrorReason.COLLECTION_TOO_BIG
                    || String.valueOf(e.getMessage()).startsWith("Max recursion limit")) {
                throw new TemplateException(name, e.getLineno(), e.getMessage());
            }
        }
    }

    /** Names of Jinjava's filters and functions that read the clock or a random source, and what looks like them. */
    private static final java.util.regex.Pattern CHANGING = java.util.regex.Pattern.compile("(?i)rand|shuffle|time|date|now|today");

    /**
     * True when {@code source} renders the same text from the same parameters every time: it calls
     * nothing that reads the clock or a random source. Judged by its text, so a template that merely
     * mentions such a word counts as changing.
     */
    public static boolean sameEachTime(String source) {
        return !CHANGING.matcher(source).find();
    }

    /** Jinja2's lexer reads newlines as `\n` and drops a single trailing newline. */
    static String jinja2Source(String source) {
        String text = source.indexOf('\r') >= 0 ? source.replace("\r\n", "\n").replace('\r', '\n') : source;
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
