package org.bergenholm.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.images.ImageCache;

/**
 * `/api/1.0/images`: list the cache (GET), fill it ahead of a boot storm (POST …/prefetch
 * {"urls": [...], "proxy_url": optional}), empty it or drop one URL (DELETE [?url=]).
 */
final class ImageRoutes {
    private final ImageCache cache;

    ImageRoutes(ImageCache cache) {
        this.cache = cache;
    }

    void handle(Request r) throws Exception {
        String sub = r.segment(1);
        if (sub.equals("prefetch") && r.size() == 2) {
            if (!r.method().equals("POST")) {
                throw new HttpError(405, "method " + r.method() + " not allowed");
            }
            prefetch(r);
            return;
        }
        if (!sub.isEmpty() || r.size() > 2) {
            throw new HttpError(404, "no such resource: /api/1.0/images/" + sub);
        }
        switch (r.method()) {
            case "GET" -> Exchanges.json(r.exchange(), 200, Map.of("images", list()));
            case "DELETE" -> {
                String url = r.query("url");
                int n = cache.purge(url);
                if (n < 0) {
                    throw new HttpError(404, "no cache entry for that URL");
                }
                Exchanges.json(r.exchange(), 200, Map.of("purged", n));
            }
            default -> throw new HttpError(405, "method " + r.method() + " not allowed");
        }
    }

    private List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ImageCache.Entry e : cache.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", e.url());
            m.put("size", e.bytes());
            m.put("length", e.length());
            m.put("complete", e.complete());
            m.put("downloading", e.downloading());
            m.put("readers", e.readers());
            m.put("last_used", e.lastUsed().toString());
            m.put("fetched_at", e.fetchedAt() == null ? null : e.fetchedAt().toString());
            m.put("error", e.error());
            out.add(m);
        }
        return out;
    }

    private void prefetch(Request r) throws Exception {
        Map<String, Object> body = Exchanges.jsonObject(r.exchange());
        if (!(body.get("urls") instanceof List<?> urls) || urls.isEmpty()) {
            throw new HttpError(400, "body must be {\"urls\": [\"http://...\", ...]}");
        }
        Object proxy = body.get("proxy_url");
        if (proxy != null && !(proxy instanceof String)) {
            throw new HttpError(400, "proxy_url must be a string");
        }
        List<String> checked = new ArrayList<>();
        for (Object u : urls) {
            if (!(u instanceof String s) || !(s.startsWith("http://") || s.startsWith("https://"))) {
                throw new HttpError(400, "urls must be http:// or https:// strings");
            }
            checked.add(s);
        }
        List<String> started = new ArrayList<>();
        for (String u : checked) {
            if (cache.prefetch(u, (String) proxy)) {
                started.add(u);
            }
        }
        Exchanges.json(r.exchange(), 202, Map.of("started", started.size(), "urls", checked.size()));
    }
}
