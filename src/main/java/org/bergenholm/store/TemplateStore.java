package org.bergenholm.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/** Templates in the 1.0 layout: `{_id: name, content: text}`. */
public final class TemplateStore {
    private final MongoCollection<Document> collection;

    public TemplateStore(Database db) {
        this.collection = db.mongo().getCollection("templates");
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Document d : collection.find().projection(Projections.include("_id"))) {
            names.add(String.valueOf(d.get("_id")));
        }
        return names;
    }

    public Optional<String> content(String name) {
        Document d = collection.find(Filters.eq("_id", name)).first();
        return Optional.ofNullable(d).map(x -> String.valueOf(x.getOrDefault("content", "")));
    }

    public boolean create(String name, String content) {
        try {
            collection.insertOne(new Document("_id", name).append("content", content));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    public boolean replace(String name, String content) {
        return collection.replaceOne(Filters.eq("_id", name),
                new Document("_id", name).append("content", content)).getMatchedCount() > 0;
    }

    public boolean delete(String name) {
        return collection.deleteOne(Filters.eq("_id", name)).getDeletedCount() > 0;
    }

    public boolean isEmpty() {
        return collection.countDocuments() == 0;
    }
}
