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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Hosts or groups in the 1.0 layout: one document per entry, `_id` is the name, every
 * other field a parameter.
 */
public final class ParameterStore {
    private final MongoCollection<Document> collection;
    /** Told the name of every entry this process created, replaced or deleted, after the write succeeded. */
    private final List<Consumer<String>> writeListeners = new CopyOnWriteArrayList<>();

    public ParameterStore(Database db, String collectionName) {
        this.collection = db.mongo().getCollection(collectionName);
    }

    /** Lets an in-memory copy (the DHCP inventory view) follow writes made through this appliance at once. */
    public void addWriteListener(Consumer<String> listener) {
        writeListeners.add(listener);
    }

    public void removeWriteListener(Consumer<String> listener) {
        writeListeners.remove(listener);
    }

    private void written(String name) {
        writeListeners.forEach(l -> l.accept(name));
    }

    /** Every entry in storage order, in one round trip. */
    public Map<String, Map<String, Object>> all() {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (Document d : collection.find()) {
            found.put(String.valueOf(d.get("_id")), params(d));
        }
        return found;
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
            written(name);
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
        boolean replaced = collection.replaceOne(Filters.eq("_id", name), d).getMatchedCount() > 0;
        if (replaced) {
            written(name);
        }
        return replaced;
    }

    public boolean delete(String name) {
        boolean deleted = collection.deleteOne(Filters.eq("_id", name)).getDeletedCount() > 0;
        if (deleted) {
            written(name);
        }
        return deleted;
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
