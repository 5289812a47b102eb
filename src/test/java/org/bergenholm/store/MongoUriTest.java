package org.bergenholm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.bergenholm.Appliance;
import org.bergenholm.config.ApplianceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --mongo-uri: a separate MongoDB server, reached by the same code; health follows it. */
class MongoUriTest {
    @TempDir
    Path dataDir;

    @Test
    void usesTheServerAtTheUriAndReportsItsOutage() throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/lab";
        HttpClient http = HttpClient.newHttpClient();
        try (Appliance a = new Appliance(new ApplianceConfig("127.0.0.1", 0, null, "off", null, "127.0.0.1",
                "http://127.0.0.1", uri, dataDir, null, "none", 100))) {
            String base = "http://127.0.0.1:" + a.httpPort();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/1.0/hosts/x"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"k\":\"v\"}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode());
            try (var client = com.mongodb.client.MongoClients.create(uri)) {
                assertEquals(1, client.getDatabase("lab").getCollection("hosts").countDocuments(),
                        "stored in database 'lab' of the server at the URI");
            }
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());

            mongo.shutdownNow();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("\"database\":\"down\""), health.body());
        }
    }
}
