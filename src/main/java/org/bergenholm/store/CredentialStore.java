package org.bergenholm.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * API credentials: `users` ({@code _id} name, {@code hash} bcrypt of the password) and
 * `api_tokens` ({@code _id} SHA-256 of the secret in hex, {@code name}, {@code created}).
 * Tokens are keyed by their hash so that checking a bearer token is a primary-key lookup;
 * neither collection ever holds a password or a secret itself.
 */
public final class CredentialStore {
    private final MongoCollection<Document> users;
    private final MongoCollection<Document> tokens;
    private volatile boolean indexed;

    public CredentialStore(Database db) {
        this.users = db.mongo().getCollection("users");
        this.tokens = db.mongo().getCollection("api_tokens");
        try {
            ensureIndex();
        } catch (MongoException e) {
            // The appliance starts without its database; the index comes with the first token stored.
        }
    }

    private void ensureIndex() {
        if (!indexed) {
            tokens.createIndex(Indexes.ascending("name"), new IndexOptions().unique(true));
            indexed = true;
        }
    }

    public record TokenInfo(String name, Instant created) {
    }

    public boolean isEmpty() {
        return users.countDocuments() == 0 && tokens.countDocuments() == 0;
    }

    /** Creates the user; false when the name is taken. */
    public boolean addUser(String name, String hash) {
        return insert(users, new Document("_id", name).append("hash", hash).append("created", new Date()));
    }

    public Optional<String> userHash(String name) {
        return Optional.ofNullable(users.find(Filters.eq("_id", name)).first()).map(d -> d.getString("hash"));
    }

    public List<String> userNames() {
        List<String> names = new ArrayList<>();
        users.find().forEach(d -> names.add(d.getString("_id")));
        return names;
    }

    public boolean deleteUser(String name) {
        return users.deleteOne(Filters.eq("_id", name)).getDeletedCount() > 0;
    }

    /** Stores a token by the hash of its secret; false when the name is taken. */
    public boolean addToken(String name, String secretHash, Instant created) {
        ensureIndex();
        return insert(tokens, new Document("_id", secretHash).append("name", name).append("created", Date.from(created)));
    }

    /** The name of the token whose secret has this hash. */
    public Optional<String> tokenName(String secretHash) {
        return Optional.ofNullable(tokens.find(Filters.eq("_id", secretHash)).first()).map(d -> d.getString("name"));
    }

    public List<TokenInfo> tokens() {
        List<TokenInfo> out = new ArrayList<>();
        tokens.find().forEach(d -> out.add(new TokenInfo(d.getString("name"), d.getDate("created").toInstant())));
        return out;
    }

    public boolean deleteToken(String name) {
        return tokens.deleteOne(Filters.eq("name", name)).getDeletedCount() > 0;
    }

    private static boolean insert(MongoCollection<Document> collection, Document d) {
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
}
