package org.bergenholm.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.events.EventLog;
import org.bergenholm.images.ImageRequest;
import org.bergenholm.images.ImageServer;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.inventory.InventoryView;
import org.bergenholm.render.TemplateException;

/** `/ipxe/…`: what booting machines call (script, register, kernel, module/initrd). */
final class IpxeRoutes {
    private static final java.util.regex.Pattern MODULE_NUMBER = java.util.regex.Pattern.compile("\\d{1,4}");
    private static final List<String> REGISTER_FIELDS = List.of("manufacturer", "product", "serial", "asset", "hostname");

    private final Inventory inventory;
    private final InventoryView view;
    private final ImageServer images;
    private final EventLog events;

    IpxeRoutes(Inventory inventory, InventoryView view, ImageServer images, EventLog events) {
        this.inventory = inventory;
        this.view = view;
        this.images = images;
        this.events = events;
    }

    void handle(Request r) throws Exception {
        String what = r.segment(0);
        switch (what) {
            case "script" -> script(r, r.name(1));
            case "register" -> register(r, r.name(1));
            case "kernel" -> image(r, r.name(1), "kernel", "kernel");
            case "module", "initrd" -> {
                String id = r.segment(1);
                String n = r.size() >= 3 ? r.segment(2) : null;
                if (n != null && !MODULE_NUMBER.matcher(n).matches()) {
                    throw new HttpError(400, "module number must be a small integer, not '" + n + "'");
                }
                String key = n == null ? "module0" : "module" + Integer.parseInt(n);
                boolean fallback = n == null || Integer.parseInt(n) == 0;
                image(r, checkedName(id), key, fallback ? "module" : null);
            }
            default -> throw new HttpError(404, "no such iPXE resource: " + what);
        }
    }

    /**
     * Answers a machine's script or image request on the connection's I/O thread when all it needs is
     * in memory: a known host's resolved parameters, its script rendered ahead, an image the cache
     * serves without waiting. False, having done nothing, to leave the request to a worker: two thread
     * hand-offs fewer per request in a boot storm, and booting machines are answered even while every
     * worker is busy with the API.
     */
    boolean answerAtHand(Request r) throws Exception {
        if (r.size() < 2 || r.size() > 3) {
            return false;
        }
        String what = r.segment(0);
        String id = r.segment(1);
        if (org.bergenholm.inventory.Names.problem(id) != null) {
            return false;
        }
        Map<String, Object> params = inventory.bootParametersAtHand(id, view).orElse(null);
        if (params == null) {
            return false;
        }
        if (what.equals("script") && r.size() == 2 && params.get("ipxe_script") instanceof String template) {
            String text = inventory.bootScriptAtHand(id, template, params, view).orElse(null);
            if (text == null) {
                return false;
            }
            events.record(id, "script served", Map.of("template", template));
            Exchanges.send(r.exchange(), 200, "text/plain; charset=utf-8", text);
            return true;
        }
        String n = r.size() == 3 ? r.segment(2) : null;
        ImageRequest request;
        if (what.equals("kernel") && n == null) {
            request = imageRequest(id, params, "kernel", "kernel");
        } else if ((what.equals("module") || what.equals("initrd")) && (n == null || MODULE_NUMBER.matcher(n).matches())) {
            int number = n == null ? 0 : Integer.parseInt(n);
            request = imageRequest(id, params, "module" + number, number == 0 ? "module" : null);
        } else {
            return false;
        }
        if (request == null || !images.servesWithoutBlocking(request)) {
            return false;
        }
        images.serve(r.exchange(), request);
        return true;
    }

    private static String checkedName(String id) {
        String problem = org.bergenholm.inventory.Names.problem(id);
        if (problem != null) {
            throw new HttpError(400, "invalid name: " + problem);
        }
        return id;
    }

    private void script(Request r, String id) {
        Map<String, Object> params = inventory.bootParameters(id, view);
        Object name = params.get("ipxe_script");
        if (!(name instanceof String template)) {
            throw new HttpError(404, "host " + id + " has no ipxe_script");
        }
        String text;
        try {
            text = inventory.renderBootScript(id, template, params, view)
                    .orElseThrow(() -> new HttpError(404, "ipxe_script of host " + id + " names template '" + template + "', which does not exist"));
        } catch (TemplateException e) {
            throw new HttpError(500, "cannot render " + e.getMessage());
        }
        events.record(id, "script served", Map.of("template", template));
        Exchanges.send(r.exchange(), 200, "text/plain; charset=utf-8", text);
    }

    private void register(Request r, String id) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("groups", List.of("default"));
        for (String field : REGISTER_FIELDS) {
            String value = r.query(field);
            if (value != null) {
                // Stored as text and never rendered: machines choose these values.
                params.put(field, value);
            }
        }
        List<String> literal = new java.util.ArrayList<>(params.keySet());
        literal.remove("groups");
        Map<String, Object> stored = new LinkedHashMap<>(params);
        stored.put(org.bergenholm.inventory.ParameterResolver.LITERAL, literal);
        if (!inventory.hosts().create(id, stored)) {
            throw new HttpError(400, "host " + id + " already exists");
        }
        Map<String, Object> details = new LinkedHashMap<>(params);
        details.remove("groups");
        events.record(id, "registered", details);
        Exchanges.empty(r.exchange(), 201);
    }

    private void image(Request r, String id, String key, String fallbackKey) throws Exception {
        ImageRequest request = imageRequest(id, inventory.bootParameters(id, view), key, fallbackKey);
        if (request == null) {
            throw new HttpError(404, "host " + id + " has no " + (fallbackKey != null && !fallbackKey.equals(key) ? key + " or " + fallbackKey : key));
        }
        images.serve(r.exchange(), request);
    }

    /** The image parameter {@code key} (else {@code fallbackKey}) of a host names; null when it names none. */
    private static ImageRequest imageRequest(String id, Map<String, Object> params, String key, String fallbackKey) {
        Object url = params.get(key);
        if (url == null && fallbackKey != null) {
            url = params.get(fallbackKey);
        }
        if (!(url instanceof String u) || u.isEmpty()) {
            return null;
        }
        Object proxy = params.get("proxy_url");
        boolean cache = !Boolean.FALSE.equals(params.get("cache")) && !"false".equals(params.get("cache"));
        String label = key.equals("kernel") ? "kernel" : "initrd " + key.substring("module".length());
        return new ImageRequest(id, label, u, proxy instanceof String p && !p.isEmpty() ? p : null, cache);
    }
}
