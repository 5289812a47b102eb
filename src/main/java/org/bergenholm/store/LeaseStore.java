package org.bergenholm.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The `leases` collection: one document per address ever handed out, keyed by the address
 * itself ({@code _id}), so the primary-key index makes two claims on one address impossible
 * on every MongoDB, the embedded one included. Every claim is a single conditional write
 * (findOneAndUpdate or insert), which is what lets several appliances share one database.
 * DHCP keeps its working copy in memory (loaded with {@link #all()}); this is its truth.
 *
 * <p>Fields: {@code _id} dotted address, {@code n} the address as a number (range queries),
 * {@code mac} holder (null while quarantined), {@code state} offered|bound|released|declined,
 * {@code expires}.
 */
public final class LeaseStore {
    private final MongoCollection<Document> collection;

    public LeaseStore(Database db) {
        this.collection = db.mongo().getCollection("leases");
        try {
            collection.createIndex(Indexes.ascending("n"));
        } catch (MongoException e) {
            // The index only speeds up the leases gauge; DHCP must start (and answer from memory) while the database is down.
        }
    }

    public record Lease(String address, long n, String mac, String state, Instant expires) {
    }

    /** Every lease document, in one round trip. */
    public List<Lease> all() {
        List<Lease> all = new ArrayList<>();
        for (Document d : collection.find()) {
            all.add(lease(d));
        }
        return all;
    }

    public Optional<Lease> byAddress(String address) {
        return Optional.ofNullable(collection.find(Filters.eq("_id", address)).first()).map(LeaseStore::lease);
    }

    /**
     * Takes {@code address} for {@code mac} when it is free: held by this MAC already, expired,
     * or never used. False when another MAC holds it or it is quarantined.
     */
    public boolean claim(String address, long n, String mac, String state, Instant expires, Instant now) {
        // MongoDB finds the document by its _id index. mongo-java-server (1.47) uses an index only for a filter with
        // exactly the index's keys, so there this reads the whole collection: DHCP keeps it off its per-packet path.
        Document mine = new Document("_id", address).append("$or",
                List.of(new Document("mac", mac), new Document("expires", new Document("$lt", Date.from(now)))));
        if (collection.findOneAndUpdate(mine, set(mac, state, expires)) != null) {
            return true;
        }
        return insert(address, n, mac, state, expires);
    }

    /** Creates the document of a never-used address; false when it exists already (someone else got there). */
    public boolean insert(String address, long n, String mac, String state, Instant expires) {
        try {
            collection.insertOne(new Document("_id", address).append("n", n).append("mac", mac)
                    .append("state", state).append("expires", Date.from(expires)));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }
    /**
     * Creates the documents of never-used addresses in one round trip; result i is false when
     * lease i's address exists already (someone else got there). After a partial failure the
     * documents are read back, so the answer does not depend on how the server orders the rest.
     */
    public boolean[] insertAll(List<Lease> leases) {
        List<Document> docs = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            docs.add(new Document("_id", l.address()).append("n", l.n()).append("mac", l.mac()).append("state", l.state())
                    .append("expires", Date.from(l.expires())));
        }
        boolean[] inserted = new boolean[leases.size()];
        try {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
            java.util.Arrays.fill(inserted, true);
            return inserted;
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
        java.util.Map<String, Document> stored = new java.util.HashMap<>();
        for (Document d : collection.find(Filters.in("_id", docs.stream().map(d -> d.get("_id")).toList()))) {
            stored.put(d.getString("_id"), d);
        }
        for (int i = 0; i < leases.size(); i++) {
            Document d = stored.get(leases.get(i).address());
            inserted[i] = d != null && leases.get(i).mac().equals(d.getString("mac"))
                    && docs.get(i).getDate("expires").equals(d.getDate("expires"));
        }
        return inserted;
    }

    /** Addresses numbered [first, last] that a client holds now (bound and not expired): the leases-in-use gauge. */
    public long boundCount(long first, long last, Instant now) {
        return collection.countDocuments(Filters.and(Filters.gte("n", first), Filters.lte("n", last),
                Filters.eq("state", "bound"), Filters.gt("expires", Date.from(now))));
    }

    /** Marks an address of this MAC released, reusable at once. */
    public boolean release(String address, String mac, Instant now) {
        return collection.updateOne(new Document("_id", address).append("mac", mac),
                Updates.combine(Updates.set("state", "released"), Updates.set("expires", Date.from(now)))).getModifiedCount() > 0;
    }

    /** Quarantines an address a client found in use: nobody holds it until {@code until}. */
    public void quarantine(String address, long n, Instant until) {
        Bson update = Updates.combine(Updates.set("mac", null), Updates.set("state", "declined"),
                Updates.set("expires", Date.from(until)), Updates.set("n", n));
        collection.updateOne(new Document("_id", address), update, new com.mongodb.client.model.UpdateOptions().upsert(true));
    }

    private static Bson set(String mac, String state, Instant expires) {
        return Updates.combine(Updates.set("mac", mac), Updates.set("state", state), Updates.set("expires", Date.from(expires)));
    }

    private static Lease lease(Document d) {
        return new Lease(d.getString("_id"), ((Number) d.get("n")).longValue(), d.getString("mac"), d.getString("state"),
                d.getDate("expires").toInstant());
    }
}
