package org.bergenholm.store;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bergenholm.events.Event;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The `events` collection. Each insert stores one document per batch of events:
 * {@code {first, time, hosts, events: [{host, time, step, details}, ...]}}, where {@code time} is
 * the newest event's time and {@code first} the oldest's. A document per event cost the embedded
 * database a whole insert each (a 1000-machine storm records 8000 events; docs/BENCHMARKS.md
 * finding 26). Documents of one event each ({@code {host, time, step, details}}), as earlier
 * versions wrote them, are read as well.
 */
public final class EventStore {
    private static final Logger log = LoggerFactory.getLogger(EventStore.class);
    private static final Comparator<Event> BY_TIME = Comparator.comparing(Event::time);

    private final MongoCollection<Document> collection;
    /** Only the event writer thread creates them, after construction. */
    private boolean indexed;

    /** Creates the indexes now if the database answers, else with the first insert that reaches it. */
    public EventStore(Database db) {
        this.collection = db.mongo().getCollection("events");
        try {
            ensureIndexes();
        } catch (MongoException e) {
            log.warn("database unreachable, event indexes are created when it answers: {}", e.getMessage());
        }
    }

    private void ensureIndexes() {
        if (!indexed) {
            collection.createIndex(Indexes.ascending("hosts", "time"));
            collection.createIndex(Indexes.ascending("host", "time"));
            collection.createIndex(Indexes.ascending("time"));
            indexed = true;
        }
    }

    public void insert(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        ensureIndexes();
        collection.insertOne(batch(events));
    }

    private static Document batch(List<Event> events) {
        List<Document> docs = new ArrayList<>(events.size());
        Set<String> hosts = new LinkedHashSet<>();
        Instant first = events.get(0).time();
        Instant last = first;
        for (Event e : events) {
            docs.add(new Document("host", e.host()).append("time", Date.from(e.time()))
                    .append("step", e.step()).append("details", new Document(e.details())));
            hosts.add(e.host());
            first = e.time().isBefore(first) ? e.time() : first;
            last = e.time().isAfter(last) ? e.time() : last;
        }
        return new Document("first", Date.from(first)).append("time", Date.from(last))
                .append("hosts", new ArrayList<>(hosts)).append("events", docs);
    }

    /** The newest {@code limit} events of a host, oldest first. */
    public List<Event> forHost(String host, int limit) {
        List<Event> found = new ArrayList<>();
        Instant cutoff = null;
        for (Document d : collection.find(ofHost(host)).sort(Sorts.descending("time", "_id"))) {
            // Documents come newest event first; once `limit` events are found, one whose newest
            // event is older than all of those cannot change the answer. Later events only move the
            // true cutoff forward, so the first one found is safe to keep.
            if (cutoff == null && found.size() >= limit) {
                cutoff = nthNewest(found, limit);
            }
            if (cutoff != null && d.getDate("time").toInstant().isBefore(cutoff)) {
                break;
            }
            events(d, e -> e.host().equals(host), found);
        }
        found.sort(BY_TIME);
        return found.size() > limit ? new ArrayList<>(found.subList(found.size() - limit, found.size())) : found;
    }

    /** Events strictly after {@code since}, oldest first. */
    public List<Event> since(Instant since, int limit) {
        List<Event> found = new ArrayList<>();
        Instant cutoff = null;
        for (Document d : collection.find(Filters.gt("time", Date.from(since))).sort(Sorts.ascending("time", "_id"))) {
            if (cutoff == null && found.size() >= limit) {
                cutoff = nthOldest(found, limit);
            }
            if (cutoff != null && firstOf(d).isAfter(cutoff)) {
                break;
            }
            events(d, e -> e.time().isAfter(since), found);
        }
        found.sort(BY_TIME);
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
    }

    /** Keeps only the newest {@code keep} events of a host. */
    public void trim(String host, int keep) {
        List<Event> newest = forHost(host, keep);
        if (newest.size() < keep) {
            return;
        }
        Date cutoff = Date.from(newest.get(0).time());
        collection.deleteMany(Filters.and(Filters.eq("host", host), Filters.lt("time", cutoff)));
        for (Document d : collection.find(Filters.and(Filters.eq("hosts", host), Filters.lt("first", cutoff)))) {
            List<Event> kept = new ArrayList<>();
            events(d, e -> !(e.host().equals(host) && e.time().isBefore(cutoff.toInstant())), kept);
            // Another appliance may rewrite the same document: the last rewrite wins, and at worst
            // a host keeps a few events more until its next trim.
            if (kept.isEmpty()) {
                collection.deleteOne(Filters.eq("_id", d.get("_id")));
            } else {
                collection.replaceOne(Filters.eq("_id", d.get("_id")), batch(kept).append("_id", d.get("_id")));
            }
        }
    }

    private static Bson ofHost(String host) {
        return Filters.or(Filters.eq("hosts", host), Filters.eq("host", host));
    }

    /** Adds the events of a stored document, a batch or a single event, that pass {@code keep}. */
    private static void events(Document d, Predicate<Event> keep, List<Event> out) {
        Object batch = d.get("events");
        List<?> docs = batch instanceof List<?> list ? list : List.of(d);
        for (Object o : docs) {
            if (o instanceof Document e) {
                Event event = event(e);
                if (keep.test(event)) {
                    out.add(event);
                }
            }
        }
    }

    private static Instant firstOf(Document d) {
        Date first = d.getDate("first");
        return (first != null ? first : d.getDate("time")).toInstant();
    }

    private static Instant nthNewest(List<Event> events, int n) {
        return events.stream().map(Event::time).sorted(Comparator.reverseOrder()).skip(n - 1).findFirst().orElseThrow();
    }

    private static Instant nthOldest(List<Event> events, int n) {
        return events.stream().map(Event::time).sorted().skip(n - 1).findFirst().orElseThrow();
    }

    private static Event event(Document d) {
        Object details = d.get("details");
        Map<String, Object> map = details instanceof Map<?, ?> m ? new LinkedHashMap<>(castMap(m)) : Map.of();
        return new Event(d.getDate("time").toInstant(), d.getString("host"), d.getString("step"), map);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
