package org.bergenholm.store;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one MongoDB connection of the appliance. With no URI it starts the embedded
 * mongo-java-server (H2 MVStore file under the data directory) on a loopback port and
 * reaches it through the same driver, so every code path is the one a real MongoDB sees.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    public static final String DEFAULT_NAME = "bergenholm";

    private final MongoServer embedded;
    private final MongoClient client;
    private final MongoDatabase db;
    private final String description;
    private final CommandCounter counter;

    private Database(MongoServer embedded, MongoClient client, CommandCounter counter, String dbName, String description) {
        this.embedded = embedded;
        this.counter = counter;
        this.client = client;
        this.db = client.getDatabase(dbName);
        this.description = description;
    }

    public static Database embedded(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Path file = dataDir.resolve("bergenholm.mv");
        MongoServer server = new MongoServer(new EmbeddedBackend(file.toString()));
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        String uri = "mongodb://127.0.0.1:" + address.getPort();
        log.info("embedded database {} on {}", file, uri);
        CommandCounter counter = new CommandCounter();
        return new Database(server, connect(uri, counter), counter, DEFAULT_NAME, "embedded " + file);
    }

    public static Database connect(String uri, String defaultName) {
        ConnectionString cs = new ConnectionString(uri);
        String name = cs.getDatabase() != null ? cs.getDatabase() : defaultName;
        CommandCounter counter = new CommandCounter();
        return new Database(null, connect(uri, counter), counter, name, "mongodb " + cs.getHosts());
    }

    /**
     * While the database is away, every request that needs it waits this long for a server
     * before it is answered 503: short, so an outage costs clients seconds and ties up no worker
     * for long. The URI's own `serverSelectionTimeoutMS`, `connectTimeoutMS` and
     * `socketTimeoutMS` win (the connection string is applied after these defaults).
     */
    static final long SERVER_SELECTION_MILLIS = 2000;
    private static final long CONNECT_MILLIS = 2000;
    /** A server that takes a connection and then says nothing holds a request at most this long. */
    private static final long READ_MILLIS = 10_000;

    private static MongoClient connect(String uri, CommandCounter counter) {
        ConnectionString cs = new ConnectionString(uri);
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyToClusterSettings(b -> b.serverSelectionTimeout(SERVER_SELECTION_MILLIS, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(CONNECT_MILLIS, TimeUnit.MILLISECONDS)
                        .readTimeout(READ_MILLIS, TimeUnit.MILLISECONDS))
                .applyConnectionString(cs)
                .addCommandListener(counter)
                .build();
        return MongoClients.create(settings);
    }

    public MongoDatabase mongo() {
        return db;
    }

    /** Finished commands by name with their count and total time, live: for the latency metric. */
    public Map<String, CommandCounter.Totals> commandTotals() {
        return java.util.Collections.unmodifiableMap(counter.finished());
    }

    /** Commands sent to the database so far, by name ("find", "insert", ...). */
    public long commands(String name) {
        return counter.count(name);
    }

    public String description() {
        return description;
    }

    /** True when the server answers a ping. */
    public boolean ping() {
        try {
            db.runCommand(new org.bson.Document("ping", 1));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
        if (embedded != null) {
            embedded.shutdown();
        }
    }
}
