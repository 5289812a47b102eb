package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bergenholm.render.TemplateException;
import org.bergenholm.render.TemplateRenderer;
import org.junit.jupiter.api.Test;

/** One host's resolution is bounded as a whole, not only render by render. */
class ResolveLimitTest {
    @Test
    void manySlowParametersStopAtTheResolutionLimit() {
        // Each value renders (slowly, to "") within the per-render limit; together they would take many times the limit.
        String slow = "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}";
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            params.put("p" + i, slow);
        }
        ParameterResolver resolver = new ParameterResolver(new TemplateRenderer(), Duration.ofMillis(300));
        long start = System.nanoTime();
        TemplateException e = assertThrows(TemplateException.class, () -> resolver.resolveHost("h", params, names -> Map.of()));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().startsWith("parameters of h: resolving took longer than 300 ms"), e.getMessage());
        assertTrue(millis < 300 + 2_000, "the limit also cuts the render in progress: stopped after " + millis + " ms");
    }
}
