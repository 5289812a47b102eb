package org.bergenholm.inventory;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.bergenholm.render.TemplateRenderer;

/**
 * One immutable copy of the hosts and groups, indexed the way DHCP asks (by MAC, by reserved
 * address), with resolved parameters and the iPXE script computed once per host for DHCP and the
 * boot path. A change makes a new copy; a host write keeps the other hosts' results.
 */
final class InventorySnapshot {
    private final Map<String, Map<String, Object>> hosts;
    private final Map<String, Map<String, Object>> groups;
    private final ParameterResolver resolver;
    private final Map<String, String> byMac = new HashMap<>();
    private final Map<String, String> byAddress = new HashMap<>();
    private final Map<String, Optional<Map<String, Object>>> resolved = new ConcurrentHashMap<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    /** A host's script as rendered from {@code source}, the text template {@code template} had then. */
    private record Script(String template, String source, String text) {
        boolean from(String template, String source) {
            return this.template.equals(template) && this.source.equals(source);
        }
    }

    InventorySnapshot(Map<String, Map<String, Object>> hosts, Map<String, Map<String, Object>> groups, ParameterResolver resolver) {
        this(hosts, groups, resolver, Map.of(), Map.of());
    }

    private InventorySnapshot(Map<String, Map<String, Object>> hosts, Map<String, Map<String, Object>> groups,
            ParameterResolver resolver, Map<String, Optional<Map<String, Object>>> stillResolved, Map<String, Script> stillRendered) {
        resolved.putAll(stillResolved);
        scripts.putAll(stillRendered);
        this.hosts = hosts;
        this.groups = groups;
        this.resolver = resolver;
        // The first host in storage order wins, as the database query the inventory makes would answer.
        hosts.forEach((id, params) -> {
            if (params.get("mac") instanceof String mac) {
                byMac.putIfAbsent(mac, id);
            }
            if (params.get("ipaddr") instanceof String ip) {
                byAddress.putIfAbsent(ip, id);
            }
        });
    }

    /** This copy with host {@code id} stored as {@code params}, or removed when null. */
    InventorySnapshot withHost(String id, Map<String, Object> params) {
        // A host resolves from its own parameters and the groups only: the other hosts' results still hold.
        Map<String, Optional<Map<String, Object>>> others = new HashMap<>(resolved);
        others.remove(id);
        Map<String, Script> otherScripts = new HashMap<>(scripts);
        otherScripts.remove(id);
        return new InventorySnapshot(changed(hosts, id, params), groups, resolver, others, otherScripts);
    }

    InventorySnapshot withGroup(String name, Map<String, Object> params) {
        return new InventorySnapshot(hosts, changed(groups, name, params), resolver);
    }

    private static Map<String, Map<String, Object>> changed(Map<String, Map<String, Object>> entries, String name,
            Map<String, Object> params) {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>(entries);
        if (params == null) {
            copy.remove(name);
        } else {
            copy.put(name, params);
        }
        return copy;
    }

    /** True when this copy holds exactly these entries: a reload that changes nothing keeps the resolved parameters. */
    boolean holds(Map<String, Map<String, Object>> otherHosts, Map<String, Map<String, Object>> otherGroups) {
        return hosts.equals(otherHosts) && groups.equals(otherGroups);
    }

    Map<String, String> byMac() {
        return byMac;
    }

    Map<String, String> byAddress() {
        return byAddress;
    }

    Optional<Map<String, Object>> host(String hostId) {
        return Optional.ofNullable(hosts.get(hostId));
    }

    /** `params=all` of a stored host, as the inventory resolves it, but from this copy. */
    Optional<Map<String, Object>> resolve(String hostId) {
        Map<String, Object> own = hosts.get(hostId);
        if (own == null) {
            return Optional.empty(); // not remembered: a storm of unknown machines would fill the map
        }
        return resolved.computeIfAbsent(hostId,
                id -> Optional.of(Collections.unmodifiableMap(resolver.resolveHost(id, own, this::groups))));
    }

    /**
     * The script {@code render} makes from template {@code template} (text {@code source}), rendered
     * once while this host's parameters and the template's text stay the same. Only when
     * {@code params} are this copy's resolved parameters of the host (not a one-off resolution, such
     * as one carrying an install token), and the template renders the same every time.
     */
    String rendered(String hostId, Map<String, Object> params, String template, String source, Supplier<String> render) {
        if (!mine(hostId, params)) {
            return render.get();
        }
        Script last = scripts.get(hostId);
        if (last != null && last.from(template, source)) {
            return last.text();
        }
        String text = render.get();
        if (TemplateRenderer.sameEachTime(source)) {
            scripts.put(hostId, new Script(template, source, text));
        }
        return text;
    }

    /** The script {@link #rendered} would give without rendering; empty when it would have to render. */
    Optional<String> held(String hostId, Map<String, Object> params, String template, String source) {
        Script last = scripts.get(hostId);
        return mine(hostId, params) && last != null && last.from(template, source) ? Optional.of(last.text()) : Optional.empty();
    }

    private boolean mine(String hostId, Map<String, Object> params) {
        Optional<Map<String, Object>> mine = resolved.get(hostId);
        return mine != null && mine.orElse(null) == params;
    }

    /** A host's resolved parameters if this copy has computed them already. */
    Optional<Map<String, Object>> resolvedAtHand(String hostId) {
        return resolved.getOrDefault(hostId, Optional.empty());
    }

    Optional<String> heldScript(String hostId) {
        return Optional.ofNullable(scripts.get(hostId)).map(Script::text);
    }

    Collection<String> hostIds() {
        return hosts.keySet();
    }

    Map<String, Map<String, Object>> groups(Collection<String> names) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (String name : names) {
            Map<String, Object> g = groups.get(name);
            if (g != null) {
                found.put(name, g);
            }
        }
        return found;
    }
}
