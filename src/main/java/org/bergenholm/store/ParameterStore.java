package org.bergenholm.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Hosts or groups in the 1.0 layout: one document per entry, `_id` is the name, every
 * other field a parameter.
 */
public final class ParameterStore {
    private final MongoCollection<Document> collection;

    public ParameterStore(Database db, String collectionName) {
        this.collection = db.mongo().getCollection(collectionName);
    }

    /** Names in storage (insertion) order whose stored parameters match every pair. */
    public List<String> names(Map<String, String> equals) {
        List<Bson> filters = new ArrayList<>();
        equals.forEach((k, v) -> filters.add(Filters.eq(k, v)));
        Bson filter = filters.isEmpty() ? new Document() : Filters.and(filters);
        List<String> names = new ArrayList<>();
        for (Document d : collection.find(filter).projection(Projections.include("_id"))) {
            names.add(String.valueOf(d.get("_id")));
        }
        return names;
    }

    public Optional<Map<String, Object>> get(String name) {
        Document d = collection.find(Filters.eq("_id", name)).first();
        return Optional.ofNullable(d).map(ParameterStore::params);
    }

    /** The entries with these names, in one round trip; missing names are absent. */
    public Map<String, Map<String, Object>> getAll(Collection<String> names) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return found;
        }
        for (Document d : collection.find(Filters.in("_id", names))) {
            found.put(String.valueOf(d.get("_id")), params(d));
        }
        return found;
    }

    /** Creates the entry; false when the name exists. */
    public boolean create(String name, Map<String, Object> params) {
        Document d = new Document("_id", name);
        d.putAll(params);
        try {
            collection.insertOne(d);
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces all parameters; false when the name does not exist. */
    public boolean replace(String name, Map<String, Object> params) {
        Document d = new Document("_id", name);
        d.putAll(params);
        return collection.replaceOne(Filters.eq("_id", name), d).getMatchedCount() > 0;
    }

    public boolean delete(String name) {
        return collection.deleteOne(Filters.eq("_id", name)).getDeletedCount() > 0;
    }

    public boolean isEmpty() {
        return collection.countDocuments() == 0;
    }

    private static Map<String, Object> params(Document d) {
        Map<String, Object> p = new LinkedHashMap<>(d);
        p.remove("_id");
        return p;
    }
}
