package org.bergenholm.http;

import static org.bergenholm.http.Exchanges.empty;
import static org.bergenholm.http.Exchanges.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bergenholm.inventory.ParameterResolver;
import org.bergenholm.events.StoredEventLog;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.inventory.Secrets;
import org.bergenholm.store.ParameterStore;

/** `/api/1.0/hosts/…` and `/api/1.0/groups/…`: the same five requests over two collections. */
final class ParameterRoutes {
    private final Inventory inventory;
    private final StoredEventLog events;

    ParameterRoutes(Inventory inventory, StoredEventLog events) {
        this.inventory = inventory;
        this.events = events;
    }

    void hosts(Request r) throws Exception {
        if (r.size() == 3 && r.segment(2).equals("events") && r.method().equals("GET")) {
            String id = r.segment(1);
            json(r.exchange(), 200, Map.of("events", EventRoutes.json(events.forHost(id))));
            return;
        }
        handle(r, "hosts", inventory.hosts(), true);
    }

    void groups(Request r) throws Exception {
        handle(r, "groups", inventory.groups(), false);
    }

    private void handle(Request r, String kind, ParameterStore store, boolean isHost) throws Exception {
        if (r.segment(1).isEmpty() && r.size() <= 2) {
            if (!r.method().equals("GET")) {
                throw new HttpError(405, "method " + r.method() + " not allowed on the " + kind + " list");
            }
            json(r.exchange(), 200, Map.of(kind, store.names(r.queryPairs())));
            return;
        }
        String name = r.name(1);
        String singular = isHost ? "host" : "group";
        switch (r.method()) {
            case "GET" -> get(r, store, name, singular, isHost);
            case "POST" -> {
                Map<String, Object> params = Exchanges.jsonObject(r.exchange());
                if (!store.create(name, params)) {
                    throw new HttpError(400, singular + " " + name + " already exists");
                }
                empty(r.exchange(), 201);
            }
            case "PUT" -> {
                Map<String, Object> params = Exchanges.jsonObject(r.exchange());
                store.get(name).ifPresent(old -> {
                    Secrets.keepStored(params, old);
                    if (isHost) {
                        keepLiteralMarks(old, params);
                    }
                });
                if (!store.replace(name, params)) {
                    throw new HttpError(404, singular + " " + name + " not found");
                }
                empty(r.exchange(), 202);
            }
            case "DELETE" -> {
                if (!store.delete(name)) {
                    throw new HttpError(404, singular + " " + name + " not found");
                }
                empty(r.exchange(), 204);
            }
            default -> throw new HttpError(405, "method " + r.method() + " not allowed");
        }
    }

    private void get(Request r, ParameterStore store, String name, String singular, boolean isHost) {
        String installed = r.query("installed");
        if (isHost && installed != null) {
            mark(r, name, installed);
            return;
        }
        if ("all".equals(r.query("params"))) {
            Map<String, Object> resolved = isHost
                    ? inventory.resolveHostOrRegister(name)
                    : inventory.resolveGroup(name).orElseThrow(() -> new HttpError(404, "group " + name + " not found"));
            json(r.exchange(), 200, Secrets.masked(resolved));
            return;
        }
        Map<String, Object> params = store.get(name)
                .orElseThrow(() -> new HttpError(404, singular + " " + name + " not found"));
        params.remove(ParameterResolver.LITERAL);
        json(r.exchange(), 200, Secrets.masked(params));
    }

    /**
     * A value a machine registered stays data after a GET-edit-PUT round trip as long as
     * it is unchanged; a new value is the user's, and renders like any other.
     */
    private static void keepLiteralMarks(Map<String, Object> old, Map<String, Object> params) {
        List<String> kept = new ArrayList<>();
        for (String key : ParameterResolver.groupList(old.get(ParameterResolver.LITERAL))) {
            if (params.containsKey(key) && Objects.equals(params.get(key), old.get(key))) {
                kept.add(key);
            }
        }
        if (!kept.isEmpty()) {
            params.put(ParameterResolver.LITERAL, kept);
        }
    }

    private void mark(Request r, String name, String installed) {
        boolean mark = switch (installed) {
            case "mark" -> true;
            case "unmark" -> false;
            default -> throw new HttpError(400, "installed must be 'mark' or 'unmark'");
        };
        switch (inventory.mark(name, mark)) {
            case CHANGED -> Exchanges.send(r.exchange(), 200, "text/plain", "");
            case UNCHANGED -> throw new HttpError(400, "host " + name + (mark ? " is already" : " is not") + " in group installed");
            case UNKNOWN_HOST -> throw new HttpError(404, "host " + name + " not found");
        }
    }
}
