package org.bergenholm.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Templates are data from users: no Java, no files, and bounded time, size and recursion. */
class TemplateSandboxTest {
    private final TemplateRenderer renderer = new TemplateRenderer();

    private TemplateException fails(String source) {
        return assertThrows(TemplateException.class, () -> renderer.render("t", source, Map.of("a", "x")));
    }

    @Test
    void noJavaClasses() {
        assertTrue(fails("{{ a.getClass() }}").getMessage().contains("getClass"));
        assertTrue(fails("{{ a.getClass().forName('java.lang.Runtime') }}").getMessage().contains("getClass"));
        assertEquals("", renderer.render("t", "{{ a.class }}{{ a.class.name }}", Map.of("a", "x")));
    }

    @Test
    void noJavaMethodsThatLeadOutOfTheData() {
        // Each of these printed a Java object (`[B@1b6d3586`, `java.util.stream...`) before they were refused.
        for (String call : new String[] {"a.getBytes()", "a.chars()", "b.stream()", "b.iterator()", "c.entrySet()"}) {
            TemplateException e = assertThrows(TemplateException.class,
                    () -> renderer.render("t", "{{ " + call + " }}", Map.of("a", "x", "b", java.util.List.of(1), "c", Map.of())));
            assertTrue(e.getMessage().contains("Cannot find method"), call + ": " + e.getMessage());
        }
        assertEquals("", renderer.render("t", "{{ a.bytes }}", Map.of("a", "x")), "bean properties too");
        assertEquals("['a', 'b'] y", renderer.render("t", "{{ a.split(',') }} {{ a.replace('a,b', 'y') }}", Map.of("a", "a,b")),
                "string methods that are data stay, printed as Python prints them");
    }

    @Test
    void onlyListedMethodsRunAndNoneBuildsPastTheLimits() {
        Map<String, Object> p = Map.of("a", "a,b,,c", "big", "y".repeat(1 << 20));
        for (String call : new String[] {"a.repeat(1000000000)", "a.matches('(a+)+$')", "a.formatted()", "a.concat(a)",
            "a.indent(5)", "big.replace('', big)", "'x'|center(1000000000)", "'%999999999s'|format('x')",
            "a|indent(1000000000)", "a|wordwrap(1000000000)"}) {
            TemplateException e = assertThrows(TemplateException.class, () -> renderer.render("t", "{{ " + call + " }}", p), call);
            assertTrue(e.getMessage().contains("Cannot find method") || e.getMessage().contains("over the render limits"),
                    call + ": " + e.getMessage());
        }
        // Python's meaning, literal separators: no regular expression to backtrack on.
        assertEquals("['a', 'b', '', 'c'] ['x', 'y'] ['a', 'b', '', 'c'] a;b;;c 6 True",
                renderer.render("t", "{{ a.split(',') }} {{ ' x  y '.split() }} {{ 'a.b..c'.split('.') }} {{ a.replace(',', ';') }} "
                        + "{{ a|length }} {{ a.startsWith('a') }}", p));
        assertEquals("ab 045678900", renderer.render("t", "{% for i in [1, 2] %}{{ loop.cycle('a', 'b') }}{% endfor %} "
                + "{{ '1234567890123'|replace('123', '0') }}", Map.of()), "loop helpers, and filters on long numbers, are fine");
    }

    @Test
    void noFilesEvenFromTheClassPath() {
        // logback.xml is on the class path: Jinjava's default locator printed it.
        for (String tag : new String[] {"{% include 'logback.xml' %}", "{% import 'logback.xml' as l %}",
            "{% from 'logback.xml' import m %}", "{% extends 'logback.xml' %}", "{% include '/etc/passwd' %}"}) {
            assertTrue(fails(tag).getMessage().contains("cannot include"), tag);
        }
    }

    @Test
    void runawayLoopsStopAtTheTimeLimit() {
        long start = System.nanoTime();
        TemplateException e = fails("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
                + "{% endfor %}{% endfor %}{% endfor %}");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(e.getMessage().contains("longer than 5 s"), e.getMessage());
        assertTrue(seconds < 15, "stopped after " + seconds + " s");
        assertTrue(renderer.render("ok", "{{ a }}", Map.of("a", "fine")).equals("fine"), "the next render is unaffected");
    }

    @Test
    void outputIsBoundedAtFourMebibytes() {
        String chunk = "x".repeat(64 * 1024);
        String loop = "{% for i in range(n) %}{{ chunk }}{% endfor %}";
        assertEquals(63 * chunk.length(), renderer.render("t", loop, Map.of("chunk", chunk, "n", 63)).length(), "just under");
        TemplateException e = assertThrows(TemplateException.class,
                () -> renderer.render("big", loop, Map.of("chunk", chunk, "n", 65)));
        assertTrue(e.getMessage().startsWith("big") && e.getMessage().contains("over limit of 4194304"), e.getMessage());
    }

    @Test
    void parseCacheHoldsBoundedText() {
        // Parameter values are templates too; rounds can grow them to megabytes each.
        String big = "{{ a }}" + "x".repeat(TemplateRenderer.CACHE_MAX_TEXT);
        String mid = "{{ a }}" + "y".repeat(TemplateRenderer.CACHE_MAX_TEXT - 100);
        for (int i = 0; i < 100; i++) {
            renderer.render("t", big + i, Map.of("a", "x"));
            renderer.render("t", mid + i, Map.of("a", "x"));
            assertTrue(renderer.cachedChars() <= TemplateRenderer.CACHE_CHARS, "cache holds " + renderer.cachedChars());
        }
        assertTrue(renderer.cachedChars() > 0, "small enough texts are still cached");
    }

    @Test
    void macroRecursionIsBoundedAndFailsLoudly() {
        assertEquals("321", renderer.render("t", "{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}",
                Map.of()), "recursion as Jinja2 does it");
        TemplateException e = fails("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}");
        assertTrue(e.getMessage().contains("recursion limit of " + TemplateRenderer.MAX_MACRO_DEPTH), e.getMessage());
    }
}
