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
 */
public final class LeaseStore {
    private final MongoCollection<Document> collection;

    public LeaseStore(Database db) {
        this.collection = db.mongo().getCollection("leases");
        collection.createIndex(Indexes.ascending("mac"));
        collection.createIndex(Indexes.ascending("n"));
    }

    public record Lease(String address, String mac, String state, Instant expires) {
    }

    /** The newest non-quarantined lease of this MAC inside [first, last], expired or not. */
    public Optional<Lease> byMac(String mac, long first, long last) {
        Document d = collection.find(Filters.and(Filters.eq("mac", mac), Filters.gte("n", first), Filters.lte("n", last),
                Filters.ne("state", "declined"))).sort(Sorts.descending("expires")).first();
        return Optional.ofNullable(d).map(LeaseStore::lease);
    }

    public Optional<Lease> byAddress(String address) {
        return Optional.ofNullable(collection.find(Filters.eq("_id", address)).first()).map(LeaseStore::lease);
    }

    /**
     * Takes {@code address} for {@code mac} when it is free: held by this MAC already, expired,
     * or never used. False when another MAC holds it or it is quarantined.
     */
    public boolean claim(String address, long n, String mac, String state, Instant expires, Instant now) {
        Bson mine = Filters.and(Filters.eq("_id", address),
                Filters.or(Filters.eq("mac", mac), Filters.lt("expires", Date.from(now))));
        Document updated = collection.findOneAndUpdate(mine, set(mac, state, expires),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (updated != null) {
            return true;
        }
        return insert(address, n, mac, state, expires);
    }

    /** Takes the address in [first, last] that expired longest ago, if any. */
    public Optional<String> claimExpired(long first, long last, String mac, String state, Instant expires, Instant now) {
        Document d = collection.findOneAndUpdate(
                Filters.and(Filters.gte("n", first), Filters.lte("n", last), Filters.lt("expires", Date.from(now))),
                set(mac, state, expires),
                new FindOneAndUpdateOptions().sort(Sorts.ascending("expires")).returnDocument(ReturnDocument.AFTER));
        return Optional.ofNullable(d).map(doc -> doc.getString("_id"));
    }

    /** The highest address number in [first, last] that has a document, or first - 1. */
    public long highest(long first, long last) {
        Document d = collection.find(Filters.and(Filters.gte("n", first), Filters.lte("n", last)))
                .sort(Sorts.descending("n")).first();
        return d == null ? first - 1 : ((Number) d.get("n")).longValue();
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

    /** Marks an address of this MAC released, reusable at once. */
    public boolean release(String address, String mac, Instant now) {
        return collection.updateOne(Filters.and(Filters.eq("_id", address), Filters.eq("mac", mac)),
                Updates.combine(Updates.set("state", "released"), Updates.set("expires", Date.from(now)))).getModifiedCount() > 0;
    }

    /** Quarantines an address a client found in use: nobody holds it until {@code until}. */
    public void quarantine(String address, long n, Instant until) {
        Bson update = Updates.combine(Updates.set("mac", null), Updates.set("state", "declined"),
                Updates.set("expires", Date.from(until)), Updates.set("n", n));
        collection.updateOne(Filters.eq("_id", address), update, new com.mongodb.client.model.UpdateOptions().upsert(true));
    }

    private static Bson set(String mac, String state, Instant expires) {
        return Updates.combine(Updates.set("mac", mac), Updates.set("state", state), Updates.set("expires", Date.from(expires)));
    }

    private static Lease lease(Document d) {
        return new Lease(d.getString("_id"), d.getString("mac"), d.getString("state"), d.getDate("expires").toInstant());
    }
}
