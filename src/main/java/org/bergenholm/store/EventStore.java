package org.bergenholm.store;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bergenholm.events.Event;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The `events` collection: one document per timeline step. */
public final class EventStore {
    private static final Logger log = LoggerFactory.getLogger(EventStore.class);

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
            collection.createIndex(Indexes.ascending("host", "time"));
            collection.createIndex(Indexes.ascending("time"));
            indexed = true;
        }
    }

    public void insert(List<Event> events) {
        ensureIndexes();
        List<Document> docs = new ArrayList<>(events.size());
        for (Event e : events) {
            docs.add(new Document("host", e.host()).append("time", Date.from(e.time()))
                    .append("step", e.step()).append("details", new Document(e.details())));
        }
        if (!docs.isEmpty()) {
            collection.insertMany(docs);
        }
    }

    /** The newest {@code limit} events of a host, oldest first. */
    public List<Event> forHost(String host, int limit) {
        List<Event> out = new ArrayList<>();
        for (Document d : collection.find(Filters.eq("host", host))
                .sort(Sorts.descending("time", "_id")).limit(limit)) {
            out.add(event(d));
        }
        Collections.reverse(out);
        return out;
    }

    /** Events strictly after {@code since}, oldest first. */
    public List<Event> since(Instant since, int limit) {
        List<Event> out = new ArrayList<>();
        for (Document d : collection.find(Filters.gt("time", Date.from(since)))
                .sort(Sorts.ascending("time", "_id")).limit(limit)) {
            out.add(event(d));
        }
        return out;
    }

    /** Keeps only the newest {@code keep} events of a host. */
    public void trim(String host, int keep) {
        Document cutoff = collection.find(Filters.eq("host", host))
                .sort(Sorts.descending("time", "_id")).skip(keep).first();
        if (cutoff != null) {
            collection.deleteMany(Filters.and(Filters.eq("host", host), Filters.lte("time", cutoff.getDate("time"))));
        }
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
