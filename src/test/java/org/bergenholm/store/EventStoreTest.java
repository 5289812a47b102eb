package org.bergenholm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bergenholm.events.Event;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events are stored a batch per document, and read back per host and by time as if stored one by one. */
class EventStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    @TempDir Path dir;

    private static Event at(int second, String host, String step) {
        return new Event(T0.plusSeconds(second), host, step, Map.of("n", second));
    }

    private static List<String> steps(List<Event> events) {
        return events.stream().map(e -> e.host() + ":" + e.step()).toList();
    }

    @Test
    void aBatchIsOneDocumentAndReadsPickTheirEventsOutOfIt() {
        try (Database db = Database.embedded(dir)) {
            EventStore store = new EventStore(db);
            store.insert(List.of(at(1, "a", "offer"), at(2, "b", "offer"), at(3, "a", "ack")));
            store.insert(List.of(at(4, "b", "ack"), at(5, "a", "script")));
            assertEquals(2, db.mongo().getCollection("events").countDocuments());

            assertEquals(List.of("a:offer", "a:ack", "a:script"), steps(store.forHost("a", 10)));
            assertEquals(List.of("a:ack", "a:script"), steps(store.forHost("a", 2)), "the newest two, oldest first");
            assertEquals(List.of("b:offer", "a:ack", "b:ack"), steps(store.since(T0.plusSeconds(1), 3)));
            assertEquals(List.of(), store.since(T0.plusSeconds(5), 10));
            assertEquals(Map.of("n", 3), store.forHost("a", 10).get(1).details());
        }
    }

    @Test
    void eventsStoredOneDocumentEachByEarlierVersionsAreReadAlongside() {
        try (Database db = Database.embedded(dir)) {
            db.mongo().getCollection("events").insertOne(new Document("host", "a").append("time", Date.from(T0))
                    .append("step", "old").append("details", new Document("k", "v")));
            EventStore store = new EventStore(db);
            store.insert(List.of(at(1, "a", "new"), at(2, "b", "other")));

            assertEquals(List.of("a:old", "a:new"), steps(store.forHost("a", 10)));
            assertEquals(Map.of("k", "v"), store.forHost("a", 10).get(0).details());
            assertEquals(List.of("a:old", "a:new", "b:other"), steps(store.since(T0.minusSeconds(1), 10)));
        }
    }

    @Test
    void trimKeepsAHostsNewestEventsAndLeavesOtherHostsInTheSameBatches() {
        try (Database db = Database.embedded(dir)) {
            db.mongo().getCollection("events").insertOne(new Document("host", "a").append("time", Date.from(T0))
                    .append("step", "old").append("details", new Document()));
            EventStore store = new EventStore(db);
            for (int batch = 0; batch < 5; batch++) {
                List<Event> events = new ArrayList<>();
                for (int i = 1; i <= 4; i++) {
                    int s = batch * 10 + i;
                    events.add(at(s, i % 2 == 0 ? "a" : "b", "s" + s));
                }
                store.insert(events);
            }
            store.insert(List.of(at(100, "a", "only-a")));

            store.trim("a", 3);

            assertEquals(List.of("a:s42", "a:s44", "a:only-a"), steps(store.forHost("a", 100)));
            assertEquals(10, store.forHost("b", 100).size(), "b's events are all still there");
            assertEquals(6, db.mongo().getCollection("events").countDocuments(), "five batches and a's last one");
            store.trim("b", 1);
            assertEquals(List.of("b:s43"), steps(store.forHost("b", 100)));
            assertEquals(2, db.mongo().getCollection("events").countDocuments(),
                    "batches left without an event are deleted");
        }
    }
}
