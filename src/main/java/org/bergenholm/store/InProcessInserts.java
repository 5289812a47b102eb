package org.bergenholm.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Inserts into a collection of the embedded database from inside the process: the collection
 * code an insert command reaches (indexes, H2 storage), without the driver's BSON encoding, the
 * loopback socket and the server's decoding. The documents stored are the ones the command
 * would have stored: the server's own types (Instant for a date, its ObjectId), which is what
 * its decoder makes of the driver's bytes.
 */
final class InProcessInserts {
    private final MongoBackend backend;
    private final String databaseName;

    InProcessInserts(MongoBackend backend, String databaseName) {
        this.backend = backend;
        this.databaseName = databaseName;
    }

    /**
     * Inserts all documents and returns true, or throws at the first that could not be stored
     * (as insertMany does); returns false, having inserted nothing, when the
     * collection does not exist yet or a value is of a type this does not convert (the caller
     * then sends the insert command, which creates the collection or reports the type).
     */
    boolean insert(String collectionName, List<org.bson.Document> docs) {
        MongoCollection<?> collection = backend.resolveDatabase(databaseName).resolveCollection(collectionName, false);
        if (collection == null) {
            return false;
        }
        List<Document> converted = new ArrayList<>(docs.size());
        for (org.bson.Document d : docs) {
            Document c = document(d);
            if (c == null) {
                return false;
            }
            if (!c.containsKey("_id")) {
                c.put("_id", new ObjectId());
            }
            converted.add(c);
        }
        List<Document> errors = collection.insertDocuments(converted, true);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("insert into " + collectionName + " stopped: " + errors.get(0).get("errmsg"));
        }
        return true;
    }

    /** Null when some value has a type not converted here. */
    private static Document document(Map<?, ?> map) {
        Document out = new Document();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = value(e.getValue());
            if (v == Unconvertible.VALUE) {
                return null;
            }
            out.put(String.valueOf(e.getKey()), v);
        }
        return out;
    }

    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Double
                || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Date date) {
            return date.toInstant();
        }
        if (v instanceof org.bson.types.ObjectId id) {
            return new ObjectId(id.toByteArray());
        }
        if (v instanceof Map<?, ?> map) {
            Document d = document(map);
            return d == null ? Unconvertible.VALUE : d;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                Object c = value(item);
                if (c == Unconvertible.VALUE) {
                    return c;
                }
                out.add(c);
            }
            return out;
        }
        return Unconvertible.VALUE;
    }

    private enum Unconvertible { VALUE }
}
