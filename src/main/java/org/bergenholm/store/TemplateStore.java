package org.bergenholm.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;

/** Templates in the 1.0 layout: `{_id: name, content: text}`. */
public final class TemplateStore {
    private final MongoCollection<Document> collection;
    private final long reuseNanos;
    private final Map<String, Recent> recent = new ConcurrentHashMap<>();
    /** Counts writes through this store: a read that overlapped one does not keep what it read. */
    private final AtomicLong writes = new AtomicLong();

    private record Recent(String content, long readAt) {
    }

    /** Every read asks the database. */
    public TemplateStore(Database db) {
        this(db, Duration.ZERO);
    }

    /**
     * {@link #recentContent} reuses a template read less than {@code reuse} ago. Writes through
     * this store are seen at once; another appliance's writes to the shared database within
     * {@code reuse}, as with the hosts and groups the boot path reads from memory.
     */
    public TemplateStore(Database db, Duration reuse) {
        this.collection = db.mongo().getCollection("templates");
        this.reuseNanos = reuse.toNanos();
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

    /**
     * {@link #content} as read at most the reuse time ago: every machine of a storm asks for the
     * same few templates, and a database read per script was its last round trip.
     */
    public Optional<String> recentContent(String name) {
        Optional<String> atHand = recentContentAtHand(name);
        if (atHand.isPresent()) {
            return atHand;
        }
        long now = System.nanoTime();
        long before = writes.get();
        Optional<String> content = content(name);
        if (content.isPresent() && reuseNanos > 0) {
            Recent read = new Recent(content.get(), now);
            recent.put(name, read);
            if (writes.get() != before) {
                recent.remove(name, read);
            }
        }
        return content;
    }

    /** {@link #recentContent} when it needs no database read; empty when it would. */
    public Optional<String> recentContentAtHand(String name) {
        Recent r = recent.get(name);
        return r != null && System.nanoTime() - r.readAt() < reuseNanos ? Optional.of(r.content()) : Optional.empty();
    }

    /** After the database write: a read that began before it either sees it or drops what it read. */
    private void written(String name) {
        writes.incrementAndGet();
        recent.remove(name);
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
        } finally {
            written(name);
        }
    }

    public boolean replace(String name, String content) {
        try {
            return collection.replaceOne(Filters.eq("_id", name),
                    new Document("_id", name).append("content", content)).getMatchedCount() > 0;
        } finally {
            written(name);
        }
    }

    public boolean delete(String name) {
        try {
            return collection.deleteOne(Filters.eq("_id", name)).getDeletedCount() > 0;
        } finally {
            written(name);
        }
    }

    public boolean isEmpty() {
        return collection.countDocuments() == 0;
    }
}
