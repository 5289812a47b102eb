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

/** The embedded database's unique indexes: still unique, still found, and old files carried over. */
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
            assertEquals(301, store.openMap("bergenholm.leases._keys_address_1").size());
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
}
