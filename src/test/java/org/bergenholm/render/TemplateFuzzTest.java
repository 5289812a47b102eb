package org.bergenholm.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzed template text (free text mixed with Jinja syntax) and parameters through the
 * renderer. It answers text within the output limit or a TemplateException, in bounded time,
 * and never prints a Java object's class or identity the template did not already contain.
 */
class TemplateFuzzTest {
    private static final String[] SYNTAX = {"{{ ", " }}", "{% ", " %}", "{# ", " #}", "a", "b", "n", "x", "(", ")",
        "[", "]", ",", "|", "~", "+", "*", "'s'", "1", "for i in ", "range(", "endfor", "if ", "endif", "else",
        "macro m(v)", "endmacro", "m(", "set ", "=", ".", "getClass()", "class", "__class__", "items()",
        "|join(", "|replace(", "|int", "|string", "|list", "|tojson", "|e", "include ", "import ", "from ",
        "'/etc/passwd'", "caller()", "call ", "endcall", "loop.index", "super()", "block ", "endblock",
        "extends ", "raw", "endraw", "-", "\n", "%}{%", "}}{{", "namespace(", "cycler(", "dict(", "lipsum(",
        ".split(", ".replace(", ".repeat(", ".items()", ".get(", "'', ", "|center(", "|indent(", "|format(", "'%9s'",
        "99999999", "loop.cycle(", " ~ ", "do ", ".append(", ".extend(", "[a, a]", " * "};
    private static final TemplateRenderer RENDERER = new TemplateRenderer();

    @FuzzTest(maxDuration = "10s")
    void templates(FuzzedDataProvider data) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("a", data.consumeString(16));
        params.put("b", List.of(data.consumeInt(), data.consumeString(8)));
        params.put("n", data.consumeInt(-3, 50));
        params.put("x", data.consumeBoolean() ? null : Map.of("k", data.consumeString(8)));
        StringBuilder template = new StringBuilder();
        while (data.remainingBytes() > 0 && template.length() < 4096) {
            template.append(data.consumeBoolean() ? data.pickValue(SYNTAX) : data.consumeString(6));
        }
        String source = template.toString();
        long start = System.nanoTime();
        String out;
        try {
            out = RENDERER.render("fuzzed", source, params);
        } catch (TemplateException e) {
            assertRenderTime(start); // a failure must be as quick as a success
            return; // the documented failure, with the template's name in its message
        }
        assertRenderTime(start);
        assertTrue(out.length() <= TemplateRenderer.MAX_OUTPUT, "output " + out.length() + " chars");
        String given = source + params;
        for (String leak : new String[] {"java.", "class com.", "@"}) {
            assertTrue(!out.contains(leak) || given.contains(leak), "printed a Java object: " + out);
        }
    }

    private static void assertRenderTime(long start) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < TemplateRenderer.RENDER_LIMIT.toMillis() + 5_000, "render took " + millis + " ms");
    }
}
