package org.bergenholm.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bergenholm.events.Event;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events appended from inside the process on the embedded database are stored exactly as the
 * insert command stores them, and read back the same through the driver.
 */
class EventStoreTest {
    @TempDir Path dir;

    private static List<Event> timeline(String host, Instant t) {
        return List.of(
                new Event(t, host, "dhcp offer", Map.of("mac", "52:54:00:12:34:56", "address", "10.0.0.5")),
                new Event(t.plusMillis(7), host, "initrd served", Map.of("bytes", 33_554_432L, "status", 200,
                        "cached", true, "seconds", 1.5, "urls", List.of("http://a/initrd", 3),
                        "upstream", Map.of("url", "http://a/initrd", "etag", "\"x\""))));
    }

    @Test
    void eventsAppendedInProcessAreTheDocumentsTheInsertCommandStores() throws Exception {
        try (Database embedded = Database.embedded(dir);
             Database driver = Database.connect("mongodb://127.0.0.1:" + embedded.embeddedAddress().getPort(), Database.DEFAULT_NAME)) {
            EventStore inProcess = new EventStore(embedded);
            EventStore overTheWire = new EventStore(driver);
            Instant t = Instant.parse("2026-11-25T09:00:00.123Z");
            long embeddedInserts = embedded.commands("insert");
            long driverInserts = driver.commands("insert");
            inProcess.insert(timeline("in-process", t));
            overTheWire.insert(timeline("driver", t));
            assertEquals(embeddedInserts + 1, embedded.commands("insert"), "counted as one insert command");
            assertEquals(driverInserts + 1, driver.commands("insert"));

            assertEquals(stored(driver, "driver"), stored(driver, "in-process"));
            assertEquals(overTheWire.forHost("driver", 10).stream().map(Event::details).toList(),
                    inProcess.forHost("in-process", 10).stream().map(Event::details).toList());
            List<Event> read = inProcess.forHost("in-process", 10);
            assertEquals(List.of("dhcp offer", "initrd served"), read.stream().map(Event::step).toList());
            assertEquals(t.plusMillis(7), read.get(1).time());
            assertEquals(33_554_432L, read.get(1).details().get("bytes"));
            assertEquals(2, inProcess.since(t.minusMillis(1), 10).stream().filter(e -> e.host().equals("in-process")).count());
        }
    }

    /** The host's documents as the driver reads them, without host and _id (which differ by design). */
    private static List<Document> stored(Database db, String host) {
        List<Document> out = new ArrayList<>();
        for (Document d : db.mongo().getCollection("events").find(new Document("host", host)).sort(new Document("time", 1))) {
            assertNotNull(d.getObjectId("_id"), "every document has an ObjectId");
            d.remove("_id");
            d.remove("host");
            out.add(d);
        }
        assertEquals(2, out.size());
        return out;
    }

    @Test
    void aValueOfAnotherTypeOrAMissingCollectionLeavesTheInsertToTheDriver() {
        try (Database embedded = Database.embedded(dir)) {
            InProcessInserts inserts = embedded.inProcess();
            assertFalse(inserts.insert("not-yet", List.of(new Document("step", "x"))), "the collection does not exist yet");
            embedded.append("not-yet", List.of(new Document("step", "x")));
            assertEquals(1, embedded.mongo().getCollection("not-yet").countDocuments(), "the driver created it");
            org.bson.types.ObjectId id = new org.bson.types.ObjectId();
            assertTrue(inserts.insert("not-yet", List.of(new Document("_id", id).append("step", "x"))));
            assertEquals("x", embedded.mongo().getCollection("not-yet").find(new Document("_id", id)).first().get("step"),
                    "found by the driver's ObjectId");
            IllegalStateException taken = assertThrows(IllegalStateException.class,
                    () -> inserts.insert("not-yet", List.of(new Document("_id", id).append("step", "again"))));
            assertTrue(taken.getMessage().contains("duplicate key"), taken.getMessage());
            assertFalse(inserts.insert("not-yet", List.of(new Document("step", "y"),
                    new Document("ratio", 1.5f))));
            assertEquals(2, embedded.mongo().getCollection("not-yet").countDocuments(), "nothing of the refused batch");
            embedded.append("not-yet", List.of(new Document("ratio", 1.5f)));
            assertEquals(1.5, embedded.mongo().getCollection("not-yet").find(new Document("ratio", new Document("$exists", true)))
                    .first().getDouble("ratio"), "the driver stored the value the conversion does not know");
        }
    }
}
