package org.bergenholm.http;

import static org.bergenholm.http.Exchanges.empty;

import java.util.Map;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.render.TemplateException;
import org.bergenholm.store.TemplateStore;

/** `/api/1.0/templates/…`: raw text in, raw or rendered text out. */
final class TemplateRoutes {
    private final Inventory inventory;
    private final EventLog events;

    TemplateRoutes(Inventory inventory, EventLog events) {
        this.inventory = inventory;
        this.events = events;
    }

    void handle(Request r) throws Exception {
        TemplateStore store = inventory.templates();
        if (r.segment(1).isEmpty() && r.size() <= 2) {
            Exchanges.json(r.exchange(), 200, Map.of("templates", store.names()));
            return;
        }
        if (r.method().equals("GET") && r.size() == 3 && !r.segment(2).isEmpty()) {
            render(r, r.segment(1), r.name(2));
            return;
        }
        String name = r.name(1);
        switch (r.method()) {
            case "GET" -> Exchanges.send(r.exchange(), 200, "text/plain; charset=utf-8",
                    store.content(name).orElseThrow(() -> notFound(name)));
            case "POST" -> {
                String text = checked(name, Exchanges.text(r.exchange()));
                if (!store.create(name, text)) {
                    throw new HttpError(400, "template " + name + " already exists");
                }
                empty(r.exchange(), 201);
            }
            case "PUT" -> {
                String text = checked(name, Exchanges.text(r.exchange()));
                if (!store.replace(name, text)) {
                    throw notFound(name);
                }
                empty(r.exchange(), 202);
            }
            case "DELETE" -> {
                if (!store.delete(name)) {
                    throw notFound(name);
                }
                empty(r.exchange(), 204);
            }
            default -> throw new HttpError(405, "method " + r.method() + " not allowed");
        }
    }

    private void render(Request r, String name, String hostId) {
        Map<String, Object> params = inventory.resolveHostOrRegister(hostId);
        String text;
        try {
            text = inventory.renderTemplate(name, params).orElseThrow(() -> notFound(name));
        } catch (TemplateException e) {
            throw new HttpError(500, "cannot render " + e.getMessage());
        }
        events.record(hostId, "template rendered", Map.of("template", name));
        Exchanges.send(r.exchange(), 200, "text/plain; charset=utf-8", text);
    }

    private String checked(String name, String text) {
        try {
            inventory.renderer().check("template " + name, text);
        } catch (TemplateException e) {
            throw new HttpError(400, "syntax error in " + e.getMessage());
        }
        return text;
    }

    private static HttpError notFound(String name) {
        return new HttpError(404, "template " + name + " not found");
    }
}
