package org.bergenholm.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.testing.Jinja2Reference;
import org.junit.jupiter.api.Test;

/** Jinjava, as configured here, prints what Python's Jinja2 prints where real templates differ. */
class Jinja2CompatibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TemplateRenderer renderer = new TemplateRenderer();

    @Test
    void rendersLikeJinja2ForTheConstructsTemplatesUse() throws Exception {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("s", "text");
        ctx.put("l", List.of("a", "b"));
        ctx.put("m", new LinkedHashMap<>(Map.of("k", "v")));
        ctx.put("t", true);
        ctx.put("f", false);
        ctx.put("n", null);
        ctx.put("i", 5);
        ctx.put("d", 1.5);
        ctx.put("inj", "{{ 7*7 }}");
        List<String> sources = List.of(
                "trailing newline dropped\n", "two newlines kept\n\n", "crlf\r\nline\r\n",
                "{{ l }}", "{{ m }}", "{{ t }} {{ f }}", "[{{ n }}]", "[{{ missing }}]", "{{ i }} {{ d }}",
                "{{ inj }}", "{% if x is defined %}yes{% else %}no{% endif %}", "{% if s is defined %}yes{% endif %}",
                "{{ missing|default('dflt') }}", "{{ s|default('dflt') }}", "{{ s|upper }} {{ s|replace('t', 'T') }}",
                "{{ l|join(',') }} {{ l|length }} {{ l[0] }} {{ m.k }}",
                "a\n{%- if t %}\nb\n{%- endif %}\nc", "a\n{% if t -%}\n  b\n{% endif -%}\nc",
                "{% for x in l %}{{ loop.index }}={{ x }};{% endfor %}", "{{ 'a' ~ 'b' }} {{ i + 1 }} {{ 7 // 2 }}",
                "a {# comment #} b", "{{ s if t else 'no' }}");
        List<Map<String, Object>> cases = new ArrayList<>();
        for (String src : sources) {
            cases.add(Map.of("source", src, "context", ctx));
        }
        JsonNode expected = Jinja2Reference.run(JSON.writeValueAsString(cases), "cases");
        for (int i = 0; i < sources.size(); i++) {
            assertEquals(expected.get(i).asText(), renderer.render("case " + i, sources.get(i), ctx),
                    "source: " + sources.get(i));
        }
    }

    @Test
    void syntaxErrorNamesTheTemplateAndLine() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> renderer.check("template broken", "line one\n{% if %}\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("template broken line 2"), e.getMessage());
    }

    @Test
    void parsedTemplatesAreCachedByTheirText() {
        assertEquals("1", renderer.render("t", "{{ a }}", Map.of("a", 1)));
        assertEquals("2", renderer.render("t", "{{ a }}", Map.of("a", 2)));
        assertEquals("x2", renderer.render("t", "x{{ a }}", Map.of("a", 2)));
    }
}
