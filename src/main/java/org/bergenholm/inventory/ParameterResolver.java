package org.bergenholm.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.bergenholm.render.TemplateException;
import org.bergenholm.render.TemplateRenderer;

/**
 * Parameter inheritance and rendering exactly as Bergenholm 1.0 did it (SPEC "Parameter
 * resolution"). Groups are fetched a generation at a time, so resolving costs one
 * database round trip per level of the group tree, not one per group.
 */
public final class ParameterResolver {
    static final int MAX_ROUNDS = 10;
    /**
     * Stored beside a host's parameters: names of parameters whose values are data sent by
     * a machine (registration), never template source. Not shown by the API.
     */
    public static final String LITERAL = "_literal";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * All rounds over all parameters of one host may take this long together: each render is
     * bounded by {@link TemplateRenderer#RENDER_LIMIT}, but a host of many slow parameters times
     * ten rounds would hold a worker thread for hours.
     */
    static final java.time.Duration RESOLVE_LIMIT = TemplateRenderer.RENDER_LIMIT;

    private final TemplateRenderer renderer;
    private final java.time.Duration resolveLimit;

    public ParameterResolver(TemplateRenderer renderer) {
        this(renderer, RESOLVE_LIMIT);
    }

    ParameterResolver(TemplateRenderer renderer, java.time.Duration resolveLimit) {
        this.renderer = renderer;
        this.resolveLimit = resolveLimit;
    }

    /** Merge of the groups named, parents first, later names overriding earlier ones. */
    public Merged mergeGroups(List<String> names, Function<Collection<String>, Map<String, Map<String, Object>>> fetch) {
        Map<String, Map<String, Object>> groups = fetchTree(names, fetch);
        Map<String, Object> params = new LinkedHashMap<>();
        Set<String> visited = new LinkedHashSet<>();
        merge(names, groups, visited, params);
        return new Merged(params, new ArrayList<>(visited));
    }

    /** The merged, unrendered parameters and the groups visited, in visit order. */
    public record Merged(Map<String, Object> params, List<String> visited) {
    }

    /** A host's `params=all`: groups, then its own parameters, `uuid`, `groups`, rendered. */
    public Map<String, Object> resolveHost(String hostId, Map<String, Object> hostParams,
            Function<Collection<String>, Map<String, Map<String, Object>>> fetch) {
        return resolveHost(hostId, hostParams, fetch, Map.of());
    }

    /** The same with {@code extra} parameters the appliance supplies, over the host's own. */
    public Map<String, Object> resolveHost(String hostId, Map<String, Object> hostParams,
            Function<Collection<String>, Map<String, Map<String, Object>>> fetch, Map<String, Object> extra) {
        Merged merged = mergeGroups(groupList(hostParams.get("groups")), fetch);
        Map<String, Object> params = merged.params();
        params.putAll(hostParams);
        params.putAll(extra);
        params.remove(LITERAL);
        params.put("uuid", hostId);
        params.put("groups", merged.visited());
        // Literal values take part in rendering as inert placeholders, so no round can
        // read them as template source, and come back as their text at the end.
        Map<String, String> shielded = new LinkedHashMap<>();
        for (String key : groupList(hostParams.get(LITERAL))) {
            if (params.get(key) instanceof String text) {
                String placeholder = "\u0001" + shielded.size() + "\u0001";
                shielded.put(placeholder, text);
                params.put(key, placeholder);
            }
        }
        Map<String, Object> rendered = render(hostId, params);
        return shielded.isEmpty() ? rendered : unshield(rendered, shielded);
    }

    @SuppressWarnings("unchecked")
    private static <T> T unshield(T value, Map<String, String> shielded) {
        if (value instanceof String s) {
            if (s.indexOf('\u0001') < 0) {
                return value;
            }
            for (Map.Entry<String, String> e : shielded.entrySet()) {
                s = s.replace(e.getKey(), e.getValue());
            }
            return (T) s;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), unshield(v, shielded)));
            return (T) out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(unshield(v, shielded)));
            return (T) out;
        }
        return value;
    }

    private static Map<String, Map<String, Object>> fetchTree(List<String> roots,
            Function<Collection<String>, Map<String, Map<String, Object>>> fetch) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        Set<String> asked = new HashSet<>();
        Set<String> next = new LinkedHashSet<>(roots);
        while (!next.isEmpty()) {
            asked.addAll(next);
            Map<String, Map<String, Object>> generation = fetch.apply(next);
            found.putAll(generation);
            next = new LinkedHashSet<>();
            for (Map<String, Object> g : generation.values()) {
                for (String parent : groupList(g.get("groups"))) {
                    if (!asked.contains(parent)) {
                        next.add(parent);
                    }
                }
            }
        }
        return found;
    }

    private static void merge(List<String> names, Map<String, Map<String, Object>> groups,
            Set<String> visited, Map<String, Object> into) {
        for (String name : names) {
            if (!visited.add(name)) {
                continue;
            }
            Map<String, Object> group = groups.get(name);
            if (group == null) {
                continue;
            }
            merge(groupList(group.get("groups")), groups, visited, into);
            group.forEach((k, v) -> {
                if (!k.equals("groups")) {
                    into.put(k, v);
                }
            });
        }
    }

    /** `groups` as a list: a plain string is a list of one. */
    public static List<String> groupList(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }

    /**
     * Renders keys and values with the parameters themselves as context, until nothing
     * changes or {@link #MAX_ROUNDS} rounds; lists and objects go through their JSON text.
     */
    Map<String, Object> render(String hostId, Map<String, Object> params) {
        Map<String, Object> current = params;
        long deadline = System.nanoTime() + resolveLimit.toNanos();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Map<String, Object> next = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : current.entrySet()) {
                if (System.nanoTime() - deadline > 0) {
                    throw overTime(hostId, e.getKey());
                }
                try {
                    String key = renderText("parameter name " + e.getKey(), e.getKey(), current, deadline);
                    next.put(key, renderValue(e.getKey(), e.getValue(), current, deadline));
                } catch (TemplateException ex) {
                    throw System.nanoTime() - deadline > 0 ? overTime(hostId, e.getKey()) : Secrets.scrubbed(ex, current);
                }
            }
            if (next.equals(current)) {
                break;
            }
            current = next;
        }
        return current;
    }

    private TemplateException overTime(String hostId, String key) {
        return new TemplateException("parameters of " + hostId, 0,
                "resolving took longer than " + resolveLimit.toMillis() + " ms (stopped at parameter " + key + ")");
    }

    private Object renderValue(String key, Object value, Map<String, Object> context, long deadline) {
        if (Secrets.isSecret(key)) {
            try {
                return renderPlain(key, value, context, deadline);
            } catch (TemplateException e) { // its message would quote the secret's own text
                throw new TemplateException("parameter " + key, e.line(), "cannot be rendered (value hidden: it is secret)");
            }
        }
        return renderPlain(key, value, context, deadline);
    }

    private Object renderPlain(String key, Object value, Map<String, Object> context, long deadline) {
        if (value instanceof String s) {
            return renderText("parameter " + key, s, context, deadline);
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                String json = JSON.writeValueAsString(value);
                String rendered = renderText("parameter " + key, json, context, deadline);
                return rendered.equals(json) ? value : JSON.readValue(rendered, Object.class);
            } catch (JsonProcessingException ex) {
                return value;
            }
        }
        return value;
    }

    private String renderText(String what, String text, Map<String, Object> context, long deadline) {
        // Text with no markup renders to itself, except for what Jinja2's lexer normalises.
        if (text.indexOf('{') < 0 && text.indexOf('\r') < 0 && !text.endsWith("\n")) {
            return text;
        }
        return renderer.render(what, text, context, deadline);
    }
}
