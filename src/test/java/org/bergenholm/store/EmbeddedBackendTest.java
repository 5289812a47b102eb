package org.bergenholm.store;

import static org.junit.jupiter.api.Assertions.*;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's unique indexes (still unique, still found) and stored documents (BSON,
 * every type back as it went in), and files the stock backend wrote carried over.
 */
class EmbeddedBackendTest {
    @TempDir Path dir;

    @Test
    void aFileTheStockBackendWroteKeepsItsUniqueIndexes() {
        String file = dir.resolve("bergenholm.mv").toString();
        MongoServer stock = new MongoServer(new H2Backend(file));
        InetSocketAddress address = stock.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            MongoCollection<Document> leases = client.getDatabase(Database.DEFAULT_NAME).getCollection("leases");
            leases.createIndex(Indexes.ascending("address"), new IndexOptions().unique(true));
            for (int i = 0; i < 300; i++) {
                leases.insertOne(new Document("_id", "lease-" + i).append("address", "10.0." + i / 256 + "." + i % 256));
            }
        }
        stock.shutdownNow();

        try (Database db = Database.embedded(dir)) {
            MongoCollection<Document> leases = db.mongo().getCollection("leases");
            assertEquals(300, leases.countDocuments());
            assertEquals("lease-263", leases.find(Filters.eq("address", "10.0.1.7")).first().get("_id"));
            assertEquals("10.0.0.42", leases.find(Filters.eq("_id", "lease-42")).first().get("address"));
            MongoWriteException taken = assertThrows(MongoWriteException.class,
                    () -> leases.insertOne(new Document("_id", "other").append("address", "10.0.0.7")));
            assertEquals(11000, taken.getCode(), "the address index still holds every old entry");
            MongoWriteException sameId = assertThrows(MongoWriteException.class,
                    () -> leases.insertOne(new Document("_id", "lease-9").append("address", "10.9.9.9")));
            assertEquals(11000, sameId.getCode(), "so does the _id index");
            leases.insertOne(new Document("_id", "lease-300").append("address", "10.0.1.44"));
            assertEquals("lease-300", leases.find(Filters.eq("address", "10.0.1.44")).first().get("_id"));
        }

        MVStore store = MVStore.open(file);
        try {
            Set<String> maps = store.getMapNames();
            assertTrue(maps.stream().noneMatch(m -> m.contains("._index_")), "stock index maps are gone: " + maps);
            assertTrue(maps.contains("bergenholm.leases._keys_address_1"), "" + maps);
            assertEquals(301, store.openMap("bergenholm.leases._keys_address_1", new org.h2.mvstore.MVMap.Builder<KeyValue, Object>()
                    .keyType(new EmbeddedBackend.KeyOrder()).valueType(new StoredValue())).size());
        } finally {
            store.close();
        }
    }

    @Test
    void anIndexDroppedAndMadeAgainStartsEmpty() {
        try (Database db = Database.embedded(dir)) {
            MongoCollection<Document> c = db.mongo().getCollection("things");
            String name = c.createIndex(Indexes.ascending("mac"), new IndexOptions().unique(true));
            c.insertOne(new Document("mac", "aa"));
            c.dropIndex(name);
            c.deleteMany(new Document());
            c.createIndex(Indexes.ascending("mac"), new IndexOptions().unique(true));
            c.insertOne(new Document("mac", "aa"));
            assertThrows(MongoWriteException.class, () -> c.insertOne(new Document("mac", "aa")));
        }
    }

    @Test
    void keyOrderIsTotalAndAgreesWithEquality() {
        List<KeyValue> keys = new ArrayList<>();
        ObjectId id = new ObjectId();
        for (Object v : new Object[] {id, new ObjectId(id.toByteArray()), new ObjectId(), "a", "b", 1, 2L, 2.5, null,
                new de.bwaldvogel.mongo.bson.Document("x", 1)}) {
            keys.add(new KeyValue(v));
            keys.add(new KeyValue(v, "tail"));
        }
        EmbeddedBackend.KeyOrder order = new EmbeddedBackend.KeyOrder();
        for (KeyValue a : keys) {
            for (KeyValue b : keys) {
                int ab = Integer.signum(order.compare(a, b));
                assertEquals(-ab, Integer.signum(order.compare(b, a)), a + " vs " + b);
                assertEquals(a.equals(b), ab == 0, a + " vs " + b);
                for (KeyValue c : keys) {
                    if (ab <= 0 && order.compare(b, c) <= 0) {
                        assertTrue(order.compare(a, c) <= 0, a + " <= " + b + " <= " + c);
                    }
                }
            }
        }
    }

    /** Every BSON type the appliance stores, nested too, back after a restart; ids of both kinds found by value. */
    @Test
    void documentsComeBackAsTheyWentInAfterARestart() throws Exception {
        Document doc = varied();
        try (Database db = Database.embedded(dir)) {
            db.mongo().getCollection("events").insertOne(doc);
            db.mongo().getCollection("hosts").insertOne(new Document("_id", "h1").append("nested", doc.get("nested")));
        }
        try (Database db = Database.embedded(dir)) {
            assertEquals(doc, db.mongo().getCollection("events").find(Filters.eq("_id", doc.get("_id"))).first());
            assertEquals(doc.get("nested"), db.mongo().getCollection("hosts").find(Filters.eq("_id", "h1")).first().get("nested"));
        }
        byte[] file = java.nio.file.Files.readAllBytes(dir.resolve("bergenholm.mv"));
        assertFalse(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains("de.bwaldvogel.mongo.bson"),
                "no Java-serialized mongo-java-server class in the file");
    }

    /** A file whose documents the stock backend Java-serialized: read as before, and new ones written beside them. */
    @Test
    void documentsTheStockBackendWroteAreStillRead() throws Exception {
        String file = dir.resolve("bergenholm.mv").toString();
        Document old = varied();
        MongoServer stock = new MongoServer(new H2Backend(file));
        InetSocketAddress address = stock.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            client.getDatabase(Database.DEFAULT_NAME).getCollection("events").insertOne(old);
        }
        stock.shutdownNow();
        Document added = varied();
        try (Database db = Database.embedded(dir)) {
            MongoCollection<Document> events = db.mongo().getCollection("events");
            assertEquals(old, events.find(Filters.eq("_id", old.get("_id"))).first());
            events.insertOne(added);
            assertThrows(MongoWriteException.class, () -> events.insertOne(new Document("_id", old.get("_id"))),
                    "the old _id is still in the index");
        }
        try (Database db = Database.embedded(dir)) {
            MongoCollection<Document> events = db.mongo().getCollection("events");
            assertEquals(2, events.countDocuments());
            assertEquals(old, events.find(Filters.eq("_id", old.get("_id"))).first());
            assertEquals(added, events.find(Filters.eq("_id", added.get("_id"))).first());
        }
    }

    private static Document varied() {
        return new Document("_id", new org.bson.types.ObjectId())
                .append("host", "rack-1").append("n", 42).append("big", 1L << 40).append("ratio", 2.5)
                .append("on", true).append("nothing", null).append("time", new java.util.Date(1_764_000_000_123L))
                .append("list", List.of("a", 1, List.of(2L)))
                .append("nested", new Document("mac", "52:54:00:00:00:01").append("ips", List.of("10.0.0.1")));
    }
}
