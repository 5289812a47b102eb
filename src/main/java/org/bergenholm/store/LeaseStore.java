package org.bergenholm.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The `leases` collection: one document per address ever handed out, keyed by the address
 * itself ({@code _id}), so the primary-key index makes two claims on one address impossible
 * on every MongoDB, the embedded one included. Every claim is a single conditional write
 * (findOneAndUpdate or insert), which is what lets several appliances share one database.
 *
 * <p>Fields: {@code _id} dotted address, {@code n} the address as a number (range queries),
 * {@code mac} holder (null while quarantined), {@code state} offered|bound|released|declined,
 * {@code expires}.
 *
 * <p>The hot path uses primary-key lookups only, because the embedded server scans the whole
 * collection for anything else: `lease_macs` ({@code _id} MAC → address) finds a client's
 * lease, `lease_cursors` ({@code _id} pool range → next never-used address) finds a fresh
 * one. Both are hints: the `leases` document is the truth and every claim re-checks it.
 */
public final class LeaseStore {
    private final MongoCollection<Document> collection;
    private final MongoCollection<Document> macs;
    private final MongoCollection<Document> cursors;

    public LeaseStore(Database db) {
        this.collection = db.mongo().getCollection("leases");
        this.macs = db.mongo().getCollection("lease_macs");
        this.cursors = db.mongo().getCollection("lease_cursors");
        collection.createIndex(Indexes.ascending("n"));
    }

    public record Lease(String address, String mac, String state, Instant expires) {
    }

    /** This MAC's last lease inside [first, last], expired or not, unless it was quarantined or taken since. */
    public Optional<Lease> byMac(String mac, long first, long last) {
        Document hint = macs.find(new Document("_id", mac)).first();
        if (hint == null) {
            return Optional.empty();
        }
        Document d = collection.find(new Document("_id", hint.getString("address"))).first();
        if (d == null || !mac.equals(d.getString("mac")) || "declined".equals(d.getString("state"))) {
            return Optional.empty();
        }
        long n = ((Number) d.get("n")).longValue();
        return n >= first && n <= last ? Optional.of(lease(d)) : Optional.empty();
    }

    /**
     * The next never-tried address number of the range (atomically counted, so two appliances
     * get different numbers), or empty when the range has been walked once.
     */
    public Optional<Long> nextFresh(long first, long last) {
        String key = first + "-" + last;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Document d = cursors.findOneAndUpdate(new Document("_id", key), Updates.inc("next", 1L),
                        new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
                long n = first + ((Number) d.get("next")).longValue() - 1;
                return n <= last ? Optional.of(n) : Optional.empty();
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                // Two first upserts raced; the loser retries as an update.
            }
        }
        throw new IllegalStateException("cannot advance lease cursor " + key);
    }

    public Optional<Lease> byAddress(String address) {
        return Optional.ofNullable(collection.find(Filters.eq("_id", address)).first()).map(LeaseStore::lease);
    }

    /**
     * Takes {@code address} for {@code mac} when it is free: held by this MAC already, expired,
     * or never used. False when another MAC holds it or it is quarantined.
     */
    public boolean claim(String address, long n, String mac, String state, Instant expires, Instant now) {
        // _id at the top level of the filter, so that even the embedded server finds the document by its key.
        Document mine = new Document("_id", address).append("$or",
                java.util.List.of(new Document("mac", mac), new Document("expires", new Document("$lt", Date.from(now)))));
        Document before = collection.findOneAndUpdate(mine, set(mac, state, expires),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
        if (before != null) {
            if (!mac.equals(before.getString("mac"))) {
                remember(mac, address);
            }
            return true;
        }
        return insert(address, n, mac, state, expires);
    }

    private void remember(String mac, String address) {
        macs.replaceOne(new Document("_id", mac), new Document("_id", mac).append("address", address),
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
    }

    /** Takes the address in [first, last] that expired longest ago, if any. */
    public Optional<String> claimExpired(long first, long last, String mac, String state, Instant expires, Instant now) {
        Document d = collection.findOneAndUpdate(
                Filters.and(Filters.gte("n", first), Filters.lte("n", last), Filters.lt("expires", Date.from(now))),
                set(mac, state, expires),
                new FindOneAndUpdateOptions().sort(Sorts.ascending("expires")).returnDocument(ReturnDocument.AFTER));
        if (d == null) {
            return Optional.empty();
        }
        remember(mac, d.getString("_id"));
        return Optional.of(d.getString("_id"));
    }

    /** Creates the document of a never-used address; false when it exists already (someone else got there). */
    public boolean insert(String address, long n, String mac, String state, Instant expires) {
        try {
            collection.insertOne(new Document("_id", address).append("n", n).append("mac", mac)
                    .append("state", state).append("expires", Date.from(expires)));
            remember(mac, address);
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
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
        return new Lease(d.getString("_id"), d.getString("mac"), d.getString("state"), d.getDate("expires").toInstant());
    }
}
