package org.bergenholm.http;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.events.Event;
import org.bergenholm.events.StoredEventLog;

/** `GET /api/1.0/events?since=<iso-time>`. */
final class EventRoutes {
    static final int LIMIT = 1000;
    private final StoredEventLog events;

    EventRoutes(StoredEventLog events) {
        this.events = events;
    }

    void handle(Request r) {
        if (!r.method().equals("GET")) {
            throw new HttpError(405, "method " + r.method() + " not allowed");
        }
        String since = r.query("since");
        Instant from = since == null ? Instant.EPOCH : parse(since);
        Exchanges.json(r.exchange(), 200, Map.of("events", json(events.since(from, LIMIT))));
    }

    private static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                throw new HttpError(400, "since must be an ISO-8601 time such as 2026-01-31T12:00:00Z, not '" + text + "'");
            }
        }
    }

    static List<Map<String, Object>> json(List<Event> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Event e : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", e.time().toString());
            m.put("host", e.host());
            m.put("step", e.step());
            m.put("details", e.details());
            out.add(m);
        }
        return out;
    }
}
