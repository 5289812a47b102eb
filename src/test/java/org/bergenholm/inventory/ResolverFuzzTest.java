package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.render.TemplateException;
import org.bergenholm.render.TemplateRenderer;

/**
 * Fuzzed group graphs (cycles, self-parents, missing groups, `groups` as text or list) with
 * parameters that refer to each other, resolved for a host as `params=all` does. Resolution
 * ends, in bounded time; its only failure is a TemplateException; the host's own values,
 * `uuid` and the visited-group list come out as the rules say.
 */
class ResolverFuzzTest {
    private static final String[] NAMES = {"a", "b", "c", "groups", "ipmi_password", "{{ a }}"};
    private static final String[] PIECES = {"x", "{{ a }}", "{{ b }}", "{{ c }}", "{{ a ~ a }}", "{{ uuid }}",
        "{{ groups }}", "{%", "{% if a %}y{% endif %}", "{{ b|default('d') }}", "}}", "\n", "{{ a ~ b ~ c ~ a ~ b ~ c }}"};
    private static final TemplateRenderer RENDERER = new TemplateRenderer();
    private static final ParameterResolver RESOLVER = new ParameterResolver(RENDERER);

    @FuzzTest(maxDuration = "10s")
    void groupGraphs(FuzzedDataProvider data) {
        int count = data.consumeInt(1, 6);
        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            groups.put("g" + i, params(data, count));
        }
        Map<String, Object> host = params(data, count);
        List<String> fetched = new ArrayList<>();
        long start = System.nanoTime();
        Map<String, Object> resolved;
        try {
            resolved = RESOLVER.resolveHost("h", new LinkedHashMap<>(host), names -> fetch(groups, names, fetched));
        } catch (TemplateException e) {
            assertTrue(System.nanoTime() - start < 60_000_000_000L, "a failing resolution is bounded in time too");
            return; // the documented failure: a template in a value that cannot be rendered
        }
        assertTrue(System.nanoTime() - start < 60_000_000_000L, "resolution is bounded in time");
        assertEquals(fetched.size(), new HashSet<>(fetched).size(), "each group fetched once: " + fetched);
        assertEquals("h", resolved.get("uuid"));
        Object visited = resolved.get("groups");
        assertTrue(visited instanceof List<?> l && l.size() == new HashSet<>(l).size(), "visited once each: " + visited);
    }

    private static Map<String, Map<String, Object>> fetch(Map<String, Map<String, Object>> groups,
            Collection<String> names, List<String> fetched) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String n : names) {
            fetched.add(n);
            if (groups.containsKey(n)) {
                out.put(n, new LinkedHashMap<>(groups.get(n)));
            }
        }
        return out;
    }

    private static Map<String, Object> params(FuzzedDataProvider data, int groupCount) {
        Map<String, Object> p = new LinkedHashMap<>();
        int keys = data.consumeInt(0, 4);
        for (int k = 0; k < keys; k++) {
            String key = data.pickValue(NAMES);
            p.put(key, key.equals("groups") ? parents(data, groupCount) : value(data));
        }
        return p;
    }

    private static Object parents(FuzzedDataProvider data, int groupCount) {
        if (data.consumeBoolean()) {
            return "g" + data.consumeInt(0, groupCount); // one past the last: a group that does not exist
        }
        List<String> list = new ArrayList<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            list.add("g" + data.consumeInt(0, groupCount));
        }
        return list;
    }

    private static Object value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 4)) {
            case 0 -> null;
            case 1 -> data.consumeInt();
            case 2 -> List.of(text(data), text(data));
            case 3 -> Map.of("k", text(data));
            default -> text(data);
        };
    }

    private static String text(FuzzedDataProvider data) {
        StringBuilder b = new StringBuilder();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            b.append(data.consumeBoolean() ? data.pickValue(PIECES) : data.consumeString(8));
        }
        return b.toString();
    }
}
