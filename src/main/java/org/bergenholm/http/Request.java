package org.bergenholm.http;

import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of a request the routes look at: method, path segments after a prefix, query. */
record Request(HttpServerExchange exchange, String method, List<String> segments) {

    static Request of(HttpServerExchange exchange, String prefix) {
        String path = exchange.getRelativePath().substring(prefix.length());
        List<String> segments = new ArrayList<>(Arrays.asList(path.split("/", -1)));
        if (!segments.isEmpty() && segments.get(0).isEmpty()) {
            segments.remove(0);
        }
        return new Request(exchange, exchange.getRequestMethod().toString(), segments);
    }

    int size() {
        return segments.size();
    }

    String segment(int i) {
        return i < segments.size() ? segments.get(i) : "";
    }

    String query(String name) {
        var values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** All query pairs (first value of each), in order. */
    Map<String, String> queryPairs() {
        Map<String, String> out = new LinkedHashMap<>();
        exchange.getQueryParameters().forEach((k, v) -> out.put(k, v.getFirst()));
        return out;
    }

    /** A name taken from the path: 400 when it is not acceptable. */
    String name(int i) {
        String name = segment(i);
        if (segments.size() > i + 1 && !segments.get(i + 1).isEmpty()) {
            throw new HttpError(400, "invalid name: name contains '/'");
        }
        String problem = org.bergenholm.inventory.Names.problem(name);
        if (problem != null) {
            throw new HttpError(400, "invalid name: " + problem);
        }
        return name;
    }
}
