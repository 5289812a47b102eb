package org.bergenholm.render;

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
    void noJavaClassesOrFiles() {
        assertTrue(fails("{{ a.getClass() }}").getMessage().contains("getClass"));
        assertTrue(fails("{{ a.getClass().forName('java.lang.Runtime') }}").getMessage().contains("getClass"));
        fails("{% include '/etc/passwd' %}");
        fails("{% import '/etc/passwd' as p %}");
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
    void outputAndRecursionAreBounded() {
        fails("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(100) %}xxxxxxxxxxxxxxxxxxx"
                + "{% endfor %}{% endfor %}{% endfor %}");
        String recursive = renderer.render("r", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", Map.of());
        assertTrue(recursive.length() < 1000, "recursion ends");
    }
}
