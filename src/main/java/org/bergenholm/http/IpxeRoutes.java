package org.bergenholm.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.events.EventLog;
import org.bergenholm.images.HostImage;
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
            case "kernel", "module", "initrd" -> image(r, imageWant(r));
            default -> throw new HttpError(404, "no such iPXE resource: " + what);
        }
    }

    /** A kernel or initrd request: the host, and which of its parameters names the image. */
    private record ImageWant(String hostId, HostImage image) {
    }

    /** What a `kernel`, `module` or `initrd` request asks for; HttpError 400 when it is malformed. */
    private static ImageWant imageWant(Request r) {
        if (r.segment(0).equals("kernel")) {
            return new ImageWant(r.name(1), HostImage.of("kernel", 0));
        }
        String n = r.size() >= 3 ? r.segment(2) : null;
        if (n != null && !MODULE_NUMBER.matcher(n).matches()) {
            throw new HttpError(400, "module number must be a small integer, not '" + n + "'");
        }
        return new ImageWant(checkedName(r.segment(1)), HostImage.of("initrd", n == null ? 0 : Integer.parseInt(n)));
    }

    /**
     * Answers a machine's script or image request on the connection's I/O thread when all it needs is
     * in memory: a known host's resolved parameters, its script rendered ahead, an image the cache
     * serves without waiting. False, having done nothing, to leave the request to a worker (which
     * also answers what is malformed): two thread hand-offs fewer per request in a boot storm, and
     * booting machines are answered even while every worker is busy with the API.
     */
    boolean answerAtHand(Request r) throws Exception {
        String what = r.segment(0);
        if (r.size() < 2 || r.size() > 3) {
            return false;
        }
        if (what.equals("script")) {
            return r.size() == 2 && org.bergenholm.inventory.Names.problem(r.segment(1)) == null && scriptAtHand(r, r.segment(1));
        }
        if (!(what.equals("kernel") || what.equals("module") || what.equals("initrd"))) {
            return false;
        }
        ImageWant want;
        try {
            want = imageWant(r);
        } catch (HttpError e) {
            return false;
        }
        Map<String, Object> params = inventory.bootParametersAtHand(want.hostId(), view).orElse(null);
        ImageRequest request = params == null ? null : want.image().request(want.hostId(), params);
        if (request == null || !images.servesWithoutBlocking(request)) {
            return false;
        }
        images.serve(r.exchange(), request);
        return true;
    }

    private boolean scriptAtHand(Request r, String id) {
        Map<String, Object> params = inventory.bootParametersAtHand(id, view).orElse(null);
        if (params == null || !(params.get("ipxe_script") instanceof String template)) {
            return false;
        }
        String text = inventory.bootScriptAtHand(id, template, params, view).orElse(null);
        if (text == null) {
            return false;
        }
        events.record(id, "script served", Map.of("template", template));
        Exchanges.send(r.exchange(), 200, "text/plain; charset=utf-8", text);
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

    private void image(Request r, ImageWant want) throws Exception {
        ImageRequest request = want.image().request(want.hostId(), inventory.bootParameters(want.hostId(), view));
        if (request == null) {
            String key = want.image().key();
            String fallback = want.image().fallbackKey();
            throw new HttpError(404, "host " + want.hostId() + " has no " + (fallback != null ? key + " or " + fallback : key));
        }
        images.serve(r.exchange(), request);
    }
}
