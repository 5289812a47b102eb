package org.bergenholm.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bergenholm.events.EventLog;
import org.bergenholm.render.TemplateRenderer;
import org.bergenholm.store.ParameterStore;
import org.bergenholm.store.TemplateStore;

/** Hosts, groups and templates, and what is derived from them: resolved parameters, rendered templates. */
public final class Inventory implements HostLookup {
    public static final String REGISTER_HOST = "register";
    public static final String INSTALLED_GROUP = "installed";
    public static final String INSTALL_TOKEN = "install_token";

    private final ParameterStore hosts;
    private final ParameterStore groups;
    private final TemplateStore templates;
    private final ParameterResolver resolver;
    private final TemplateRenderer renderer;
    private final EventLog events;
    private final InstallTokens installTokens;

    public Inventory(ParameterStore hosts, ParameterStore groups, TemplateStore templates,
            TemplateRenderer renderer, EventLog events) {
        this(hosts, groups, templates, renderer, events, InstallTokens.NONE);
    }

    public Inventory(ParameterStore hosts, ParameterStore groups, TemplateStore templates,
            TemplateRenderer renderer, EventLog events, InstallTokens installTokens) {
        this.installTokens = installTokens;
        this.hosts = hosts;
        this.groups = groups;
        this.templates = templates;
        this.renderer = renderer;
        this.resolver = new ParameterResolver(renderer);
        this.events = events;
    }

    public ParameterStore hosts() {
        return hosts;
    }

    public ParameterStore groups() {
        return groups;
    }

    public TemplateStore templates() {
        return templates;
    }

    public TemplateRenderer renderer() {
        return renderer;
    }

    /**
     * `params=all` of a host; an id with no document takes the `register` host's
     * parameters, which is how unknown machines get the registration script.
     */
    public Map<String, Object> resolveHostOrRegister(String hostId) {
        Optional<Map<String, Object>> own = hosts.get(hostId);
        if (own.isPresent()) {
            return resolveKnown(hostId, own.get(), groups::getAll, () -> resolver.resolveHost(hostId, own.get(), groups::getAll));
        }
        return resolver.resolveHost(hostId, hosts.get(REGISTER_HOST).orElseGet(LinkedHashMap::new), groups::getAll);
    }

    /**
     * What a booting machine gets (its iPXE script, kernel and initrd URLs): as
     * {@link #resolveHostOrRegister}, but from {@code view}, where a host's result is computed
     * once per change. The view follows this appliance's writes at once and other appliances'
     * within its refresh, as DHCP does. Read-only: the map may be shared.
     */
    public Map<String, Object> bootParameters(String hostId, InventoryView view) {
        Optional<Map<String, Object>> own = view.stored(hostId);
        if (own.isPresent()) {
            return resolveKnown(hostId, own.get(), view::groups,
                    () -> view.resolve(hostId).orElseGet(() -> resolver.resolveHost(hostId, own.get(), view::groups)));
        }
        return resolver.resolveHost(hostId, view.stored(REGISTER_HOST).orElseGet(LinkedHashMap::new), view::groups);
    }

    @Override
    public Optional<Map<String, Object>> resolve(String hostId) {
        return hosts.get(hostId).map(own -> resolveKnown(hostId, own, groups::getAll,
                () -> resolver.resolveHost(hostId, own, groups::getAll)));
    }

    /**
     * A host with its own document: {@code plain} resolves it. When install tokens are in use
     * and the host is not marked installed, its token is a parameter (`install_token`) and is
     * added to `installed_url`, so the 1.0 seed's URL keeps working without the user editing it.
     */
    private Map<String, Object> resolveKnown(String hostId, Map<String, Object> own,
            Function<Collection<String>, Map<String, Map<String, Object>>> groupSource, Supplier<Map<String, Object>> plain) {
        boolean installed = ParameterResolver.groupList(own.get("groups")).contains(INSTALLED_GROUP);
        Optional<String> token = installed ? Optional.empty() : installTokens.forHost(hostId);
        if (token.isEmpty()) {
            return plain.get();
        }
        Map<String, Object> params = resolver.resolveHost(hostId, own, groupSource, Map.of(INSTALL_TOKEN, token.get()));
        if (params.get("installed_url") instanceof String url && !url.contains("token=")) {
            params.put("installed_url", url + (url.contains("?") ? "&" : "?") + "token=" + token.get());
        }
        return params;
    }

    /** A group's `params=all`: the merge of its parents and itself, unrendered. */
    public Optional<Map<String, Object>> resolveGroup(String name) {
        if (groups.get(name).isEmpty()) {
            return Optional.empty();
        }
        ParameterResolver.Merged merged = resolver.mergeGroups(List.of(name), groups::getAll);
        Map<String, Object> params = merged.params();
        List<String> ancestors = new ArrayList<>(merged.visited());
        ancestors.remove(name);
        params.put("groups", ancestors);
        return Optional.of(params);
    }

    /** Renders template {@code name} for a host; empty when there is no such template. */
    public Optional<String> renderTemplate(String name, Map<String, Object> params) {
        return templates.recentContent(name).map(source -> render(name, source, params));
    }

    /**
     * A booting host's iPXE script: template {@code name} rendered with {@code params}, the host's
     * {@link #bootParameters}. {@code view} keeps what it rendered until the host, its groups or the
     * template's text change, and renders the scripts of new and changed hosts ahead of their boot
     * ({@link #prepareBootScript}). Empty when there is no such template.
     */
    public Optional<String> renderBootScript(String hostId, String name, Map<String, Object> params, InventoryView view) {
        return templates.recentContent(name).map(source -> bootScript(hostId, name, source, params, view));
    }

    private String bootScript(String hostId, String name, String source, Map<String, Object> params, InventoryView view) {
        return view.rendered(hostId, params, name, source, () -> render(name, source, params));
    }

    /**
     * {@link #bootParameters} when memory holds them: a stored host whose parameters the view has
     * resolved already, with no install token to fetch. Empty when answering would resolve or read
     * the database.
     */
    public Optional<Map<String, Object>> bootParametersAtHand(String hostId, InventoryView view) {
        return installTokens == InstallTokens.NONE ? view.resolvedAtHand(hostId) : Optional.empty();
    }

    /** {@link #renderBootScript} when the script is held and the template's text is recent: nothing rendered or read. */
    public Optional<String> bootScriptAtHand(String hostId, String name, Map<String, Object> params, InventoryView view) {
        return templates.recentContentAtHand(name).flatMap(source -> view.held(hostId, params, name, source));
    }

    /**
     * Renders host {@code hostId}'s iPXE script into {@code view} before the host asks for it, as
     * Cobbler writes its files at sync: a machine powered on after its host was written gets it from
     * memory. Nothing when install tokens are in use, as resolving would issue the host a token.
     */
    void prepareBootScript(String hostId, InventoryView view) {
        if (installTokens != InstallTokens.NONE || view.stored(hostId).isEmpty()) {
            return;
        }
        Map<String, Object> params = bootParameters(hostId, view);
        if (!(params.get("ipxe_script") instanceof String name)) {
            return;
        }
        templates.recentContent(name).ifPresent(source -> {
            // A held script costs this lookup only; one rendered anew at each request is not worth rendering ahead.
            if (view.held(hostId, params, name, source).isEmpty() && TemplateRenderer.sameEachTime(source)) {
                bootScript(hostId, name, source, params, view);
            }
        });
    }

    private String render(String name, String source, Map<String, Object> params) {
        try {
            return renderer.render("template " + name, source, params);
        } catch (org.bergenholm.render.TemplateException e) {
            throw Secrets.scrubbed(e, params);
        }
    }

    @Override
    public Optional<String> hostIdByMac(String mac) {
        return hosts.names(Map.of("mac", mac)).stream().findFirst();
    }

    @Override
    public Optional<String> hostIdByAddress(String ipv4) {
        return hosts.names(Map.of("ipaddr", ipv4)).stream().findFirst();
    }

    /** Adds or removes group `installed`; result says whether the host exists and whether anything changed. */
    public MarkResult mark(String hostId, boolean installed) {
        Optional<Map<String, Object>> host = hosts.get(hostId);
        if (host.isEmpty()) {
            return MarkResult.UNKNOWN_HOST;
        }
        Map<String, Object> params = host.get();
        List<String> list = ParameterResolver.groupList(params.get("groups"));
        if (installed == list.contains(INSTALLED_GROUP)) {
            return MarkResult.UNCHANGED;
        }
        if (installed) {
            list.add(INSTALLED_GROUP);
        } else {
            list.removeIf(INSTALLED_GROUP::equals);
        }
        params.put("groups", list);
        if (!hosts.replace(hostId, params)) {
            return MarkResult.UNKNOWN_HOST;
        }
        if (installed) {
            installTokens.revoke(hostId);
        }
        events.record(hostId, installed ? "installed marked" : "installed unmarked", Map.of());
        return MarkResult.CHANGED;
    }

    public enum MarkResult { CHANGED, UNCHANGED, UNKNOWN_HOST }
}
