package org.bergenholm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `/api/1.0` with authentication on, through a real socket and the JDK's HTTP client. */
class ApiAuthenticationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void withoutOrWithWrongCredentialsTheAnswerIs401WithTheChallengeAndAJsonError() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on())) {
            for (String authorization : new String[] {null, AuthServer.bearer("not-a-token"), AuthServer.basic("admin", "guess"),
                    "Digest whatever"}) {
                HttpResponse<String> r = server.get("/api/1.0/hosts/", authorization);
                assertEquals(401, r.statusCode(), String.valueOf(authorization));
                assertEquals("Basic realm=\"bergenholm\", Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
                assertTrue(JSON.readTree(r.body()).path("error").isTextual(), r.body());
            }
            for (String path : new String[] {"/api/1.0/groups/", "/api/1.0/templates/", "/api/1.0/events?since=0",
                    "/api/1.0/users/", "/api/1.0/tokens/", "/api/1.0/images"}) {
                assertEquals(401, server.get(path, null).statusCode(), path);
            }
            assertEquals(401, server.send("POST", "/api/1.0/hosts/h1", null, "{}").statusCode());
            assertEquals(404, server.get("/api/1.0/hosts/h1", AuthServer.bearer(server.adminToken())).statusCode(),
                    "nothing was created by the refused POST");
        }
    }

    @Test
    void basicAndBearerAreAcceptedAndAChangeOfCredentialsTakesEffectAtOnce() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on())) {
            assertEquals(200, server.get("/api/1.0/hosts/", AuthServer.bearer(server.adminToken())).statusCode());
            server.admin("POST", "/api/1.0/users/alice", "{\"password\": \"correct horse\"}", 201);
            assertEquals(200, server.get("/api/1.0/hosts/", AuthServer.basic("alice", "correct horse")).statusCode());
            assertEquals(200, server.get("/api/1.0/hosts/", AuthServer.basic("alice", "correct horse")).statusCode(), "from the cache");
            assertEquals(401, server.get("/api/1.0/hosts/", AuthServer.basic("alice", "correct horsE")).statusCode());
            server.admin("POST", "/api/1.0/users/alice", "{\"password\": \"another one\"}", 400);
            server.admin("POST", "/api/1.0/users/bob", "{\"password\": \"short\"}", 400);
            server.admin("DELETE", "/api/1.0/users/alice", null, 204);
            assertEquals(401, server.get("/api/1.0/hosts/", AuthServer.basic("alice", "correct horse")).statusCode(),
                    "a deleted user is refused although it was verified a moment ago");
        }
    }

    @Test
    void passwordsAreStoredOnlyAsBcryptHashes() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on())) {
            server.admin("POST", "/api/1.0/users/alice", "{\"password\": \"correct horse\"}", 201);
            Document raw = server.appliance.database().mongo().getCollection("users").find(new Document("_id", "alice")).first();
            String stored = raw.toJson();
            assertFalse(stored.contains("correct horse"), stored);
            assertTrue(raw.getString("hash").startsWith("$2a$10$"), stored);
            String answer = server.admin("GET", "/api/1.0/users/", null, 200) + server.admin("GET", "/api/1.0/users/alice", null, 200);
            assertFalse(answer.contains("$2a$") || answer.contains("correct horse"), answer);
        }
    }

    @Test
    void aTokenSecretIsShownOnceStoredHashedAndRevocable() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on())) {
            JsonNode created = JSON.readTree(server.admin("POST", "/api/1.0/tokens/ci", null, 201));
            String secret = created.path("token").asText();
            assertEquals("ci", created.path("name").asText());
            assertTrue(secret.length() >= 43, secret);
            assertEquals(200, server.get("/api/1.0/hosts/", AuthServer.bearer(secret)).statusCode());

            String listed = server.admin("GET", "/api/1.0/tokens", null, 200);
            assertTrue(listed.contains("\"ci\"") && listed.contains("\"admin\""), listed);
            assertFalse(listed.contains(secret), listed);
            String again = server.send("POST", "/api/1.0/tokens/ci", AuthServer.bearer(secret), null).body();
            assertFalse(again.contains(secret), again);
            for (Document d : server.appliance.database().mongo().getCollection("api_tokens").find()) {
                assertFalse(d.toJson().contains(secret) || d.toJson().contains(server.adminToken()), d.toJson());
            }

            server.admin("DELETE", "/api/1.0/tokens/ci", null, 204);
            assertEquals(401, server.get("/api/1.0/hosts/", AuthServer.bearer(secret)).statusCode());
        }
    }

    @Test
    void theTwoInstallerRoutesAndTheFirmwareRoutesNeedNoCredentials() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on())) {
            server.admin("POST", "/api/1.0/hosts/h1", "{\"hostname\": \"web1\", \"ipxe_script\": \"ks\"}", 201);
            server.admin("POST", "/api/1.0/templates/ks", "{\"hostname\": \"{{hostname}}\"}", 201);

            HttpResponse<String> rendered = server.get("/api/1.0/templates/ks/h1", null);
            assertEquals(200, rendered.statusCode());
            assertEquals("{\"hostname\": \"web1\"}", rendered.body());
            assertEquals(200, server.get("/api/1.0/hosts/h1?installed=mark", null).statusCode());
            assertTrue(server.admin("GET", "/api/1.0/hosts/h1", null, 200).contains("installed"));

            // Neighbours of the open routes stay closed.
            for (String path : new String[] {"/api/1.0/hosts/h1?installed=unmark", "/api/1.0/hosts/h1", "/api/1.0/templates/ks",
                    "/api/1.0/hosts/h1/events?installed=mark", "/api/1.0/hosts/?installed=mark", "/api/1.0/templates/ks/h1/x"}) {
                assertEquals(401, server.get(path, null).statusCode(), path);
            }
            assertEquals(401, server.send("PUT", "/api/1.0/templates/ks/h1", null, "x").statusCode());

            // /boot/ serves Debian's ipxe package, which install-deps installs.
            for (String path : new String[] {"/", "/healthz", "/metrics", "/ipxe/script/h1", "/boot/undionly.kpxe"}) {
                assertEquals(200, server.get(path, null).statusCode(), path);
            }
        }
    }

    @Test
    void fiveFailuresInAMinuteFromOneAddressSlowItDownWithoutHoldingAThread() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on())) {
            String good = AuthServer.bearer(server.adminToken());
            for (int i = 0; i < FailureThrottle.LIMIT; i++) {
                assertEquals(401, server.get("/api/1.0/hosts/", AuthServer.basic("admin", "guess" + i)).statusCode());
            }
            long started = System.nanoTime();
            HttpResponse<String> throttled = server.get("/api/1.0/hosts/", good);
            assertTrue(System.nanoTime() - started < 1_000_000_000L, "answered at once");
            assertEquals(429, throttled.statusCode(), "even the right token waits out the minute");
            long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElse("0"));
            assertTrue(retryAfter > 0 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertTrue(JSON.readTree(throttled.body()).path("error").asText().contains("too many failed logins"), throttled.body());
            assertEquals(200, server.get("/healthz", null).statusCode(), "only the API is throttled");
        }
    }

    @Test
    void theThrottleIsPerAddressBoundedAndForgetsAfterItsWindow() {
        FailureThrottle t = new FailureThrottle();
        long now = 0;
        for (int i = 0; i < FailureThrottle.LIMIT - 1; i++) {
            t.failed("10.0.0.1", now);
        }
        assertEquals(0, t.retryAfterSeconds("10.0.0.1", now), "four failures are not enough");
        t.failed("10.0.0.1", now);
        assertEquals(60, t.retryAfterSeconds("10.0.0.1", now));
        assertEquals(0, t.retryAfterSeconds("10.0.0.2", now), "another address is not affected");
        assertEquals(0, t.retryAfterSeconds("10.0.0.1", now + FailureThrottle.WINDOW_NANOS), "a minute later it may try again");
        for (int i = 0; i < FailureThrottle.MAX_ADDRESSES * 2; i++) {
            t.failed("addr" + i, now);
        }
        assertEquals(FailureThrottle.MAX_ADDRESSES, t.tracked());
    }

    @Test
    void theAdminTokenFileIsCreated0600ItsPathLoggedNeverItsValueAndReusedLater() throws Exception {
        String token;
        try (LogCapture logs = new LogCapture(); AuthServer server = new AuthServer(data, AuthConfig.on())) {
            Path file = data.resolve("admin.token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            token = server.adminToken();
            assertTrue(logs.text().contains(file.toString()), logs.text());
            assertFalse(logs.text().contains(token), "the token itself is never logged");
            assertEquals(200, server.get("/api/1.0/hosts/", AuthServer.bearer(token)).statusCode());
        }
        try (AuthServer again = new AuthServer(data, AuthConfig.on())) {
            assertEquals(token, again.adminToken());
            assertEquals(200, again.get("/api/1.0/hosts/", AuthServer.bearer(token)).statusCode());
        }
        // A new database with the file still there (a new --mongo-uri, say) takes the file's token.
        Files.delete(data.resolve("bergenholm.mv"));
        try (AuthServer fresh = new AuthServer(data, AuthConfig.on())) {
            assertEquals(token, fresh.adminToken());
            assertEquals(200, fresh.get("/api/1.0/hosts/", AuthServer.bearer(token)).statusCode());
        }
    }

    @Test
    void withAuthOffEveryStartWarnsAndTheApiIsOpenAsIn10() throws Exception {
        for (int start = 0; start < 2; start++) {
            try (LogCapture logs = new LogCapture(); AuthServer server = new AuthServer(data, AuthConfig.off())) {
                assertTrue(logs.events().stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                        && e.getFormattedMessage().contains("API authentication is OFF")), logs.text());
                assertEquals(200, server.get("/api/1.0/hosts/", null).statusCode());
                assertFalse(Files.exists(data.resolve("admin.token")), "no token is made when nobody asks for one");
            }
        }
    }

    @Test
    void secretsNeverReachTheLogsNorTheErrors() throws Exception {
        try (LogCapture logs = new LogCapture(); AuthServer server = new AuthServer(data, AuthConfig.on())) {
            server.admin("POST", "/api/1.0/users/alice", "{\"password\": \"correct horse\"}", 201);
            String secret = JSON.readTree(server.admin("POST", "/api/1.0/tokens/ci", null, 201)).path("token").asText();
            String errors = server.get("/api/1.0/hosts/", AuthServer.basic("alice", "wrong-pass-xyz")).body()
                    + server.get("/api/1.0/hosts/", AuthServer.bearer(secret + "x")).body()
                    + server.send("POST", "/api/1.0/users/bob", AuthServer.bearer(secret), "{\"password\": \"tiny\"}").body();
            String all = errors + logs.text();
            for (String s : new String[] {"correct horse", "wrong-pass-xyz", secret, server.adminToken(), "tiny"}) {
                assertFalse(all.contains(s), s + " leaked: " + all);
            }
            assertNotEquals("", logs.text());
        }
    }
}
