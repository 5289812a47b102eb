package org.bergenholm.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.Date;
import java.util.Optional;
import org.bson.Document;

/**
 * `install_tokens`: {@code _id} host id, {@code token}. The token is kept as it is, not
 * hashed, because templates must print the same value each time they render for the host
 * (the iPXE script, the kickstart and `installed_url` all carry it); it lives apart from the
 * host's parameters so that no API answer can show it.
 */
public final class InstallTokenStore {
    private final MongoCollection<Document> collection;

    public InstallTokenStore(Database db) {
        this.collection = db.mongo().getCollection("install_tokens");
    }

    public Optional<String> get(String hostId) {
        return Optional.ofNullable(collection.find(Filters.eq("_id", hostId)).first()).map(d -> d.getString("token"));
    }

    /** Stores {@code token} unless the host has one already; returns the host's token either way. */
    public String issue(String hostId, String token) {
        try {
            collection.insertOne(new Document("_id", hostId).append("token", token).append("issued", new Date()));
            return token;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // Two renders for the same host raced; the first token stands.
            return get(hostId).orElse(token);
        }
    }

    public void revoke(String hostId) {
        collection.deleteOne(Filters.eq("_id", hostId));
    }
}
