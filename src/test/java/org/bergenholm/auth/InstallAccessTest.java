package org.bergenholm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.bergenholm.store.LeaseStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `install-access: address` and `token`, with curl as the installer (it can bind 127.0.0.2 as its source). */
class InstallAccessTest {
    @TempDir
    Path data;

    /** Status of an unauthenticated GET made by curl from {@code source}. */
    private static int curl(String source, String url) throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", source, url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "curl hung");
        return Integer.parseInt(out.strip());
    }

    @Test
    void addressModeAnswersOnlyTheHostsOwnAddressOrLease() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on().withInstallAccess(InstallAccess.ADDRESS))) {
            server.admin("POST", "/api/1.0/templates/ks", "install {{uuid}}", 201);
            server.admin("POST", "/api/1.0/groups/net", "{\"ipaddr\": \"127.0.0.1\"}", 201);
            server.admin("POST", "/api/1.0/hosts/fixed", "{\"groups\": [\"net\"]}", 201);
            server.admin("POST", "/api/1.0/hosts/leased", "{\"mac\": \"52:54:00:AA:BB:01\"}", 201);
            new LeaseStore(server.appliance.database()).insert("127.0.0.2", 0x7f000002L, "52:54:00:aa:bb:01", "bound",
                    Instant.now().plusSeconds(600));

            String base = server.url() + "/api/1.0";
            assertEquals(200, curl("127.0.0.1", base + "/templates/ks/fixed"), "ipaddr (from its group) is the caller");
            assertEquals(403, curl("127.0.0.2", base + "/templates/ks/fixed"));
            assertEquals(200, curl("127.0.0.2", base + "/templates/ks/leased"), "its DHCP lease is the caller");
            assertEquals(403, curl("127.0.0.1", base + "/templates/ks/leased"));
            assertEquals(403, curl("127.0.0.1", base + "/templates/ks/nosuchhost"));

            assertEquals(403, curl("127.0.0.2", base + "/hosts/fixed?installed=mark"));
            assertFalse(server.admin("GET", "/api/1.0/hosts/fixed", null, 200).contains("installed"));
            assertEquals(200, curl("127.0.0.1", base + "/hosts/fixed?installed=mark"));
            assertTrue(server.admin("GET", "/api/1.0/hosts/fixed", null, 200).contains("installed"));
            // An administrator's credentials open the routes from anywhere (bergenholm host mark-installed).
            server.admin("GET", "/api/1.0/hosts/leased?installed=mark", null, 200);
        }
    }

    @Test
    void addressModeRefusesAnExpiredLease() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on().withInstallAccess(InstallAccess.ADDRESS))) {
            server.admin("POST", "/api/1.0/templates/ks", "install {{uuid}}", 201);
            server.admin("POST", "/api/1.0/hosts/leased", "{\"mac\": \"52:54:00:aa:bb:02\"}", 201);
            new LeaseStore(server.appliance.database()).insert("127.0.0.2", 0x7f000002L, "52:54:00:aa:bb:02", "bound",
                    Instant.now().minusSeconds(1));
            assertEquals(403, curl("127.0.0.2", server.url() + "/api/1.0/templates/ks/leased"));
        }
    }

    @Test
    void tokenModeIssuesATokenForTemplatesAcceptsItAndRevokesItOnTheMark() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on().withInstallAccess(InstallAccess.TOKEN))) {
            server.admin("POST", "/api/1.0/groups/default",
                    "{\"installed_url\": \"{{base_url}}/api/1.0/hosts/{{uuid}}?installed=mark\", \"base_url\": \"" + server.url() + "\"}", 201);
            server.admin("POST", "/api/1.0/templates/ks", "token={{install_token}} done={{installed_url}}", 201);
            server.admin("POST", "/api/1.0/hosts/h1", "{\"groups\": [\"default\"]}", 201);
            String base = server.url() + "/api/1.0";

            // The administrator renders what the installer will get: the token and installed_url carrying it.
            String rendered = server.admin("GET", "/api/1.0/templates/ks/h1", null, 200);
            String token = rendered.substring("token=".length(), rendered.indexOf(' '));
            assertEquals(43, token.length(), rendered);
            assertTrue(rendered.endsWith(" done=" + base + "/hosts/h1?installed=mark&token=" + token), rendered);
            assertEquals(rendered, server.admin("GET", "/api/1.0/templates/ks/h1", null, 200), "the same token every render");

            // Never in the API's parameter answers.
            String shown = server.admin("GET", "/api/1.0/hosts/h1?params=all", null, 200) + server.admin("GET", "/api/1.0/hosts/h1", null, 200);
            assertFalse(shown.contains(token), shown);

            assertEquals(403, curl("127.0.0.1", base + "/templates/ks/h1"));
            assertEquals(403, curl("127.0.0.1", base + "/templates/ks/h1?token=" + token.substring(1) + "x"));
            assertEquals(200, curl("127.0.0.1", base + "/templates/ks/h1?token=" + token));
            assertEquals(403, curl("127.0.0.1", base + "/hosts/h1?installed=mark"));
            assertEquals(200, curl("127.0.0.1", base + "/hosts/h1?installed=mark&token=" + token));

            // Marked installed: the token is gone and no new one is issued while the mark stays.
            assertEquals(403, curl("127.0.0.1", base + "/templates/ks/h1?token=" + token));
            assertEquals(403, curl("127.0.0.1", base + "/hosts/h1?installed=mark&token=" + token));
            assertTrue(server.admin("GET", "/api/1.0/templates/ks/h1", null, 200).startsWith("token= "), "no install_token once installed");
            assertEquals(0, server.appliance.database().mongo().getCollection("install_tokens").countDocuments());

            // Unmarked for a reinstall: a new token, different from the revoked one.
            server.admin("GET", "/api/1.0/hosts/h1?installed=unmark", null, 200);
            String again = server.admin("GET", "/api/1.0/templates/ks/h1", null, 200);
            assertFalse(again.contains(token), again);
            assertTrue(again.startsWith("token=") && again.length() > "token= ".length() + 40, again);
        }
    }

    @Test
    void openModeKeeps10TemplatesWorkingWithoutAnyToken() throws Exception {
        try (AuthServer server = new AuthServer(data, AuthConfig.on())) {
            server.admin("POST", "/api/1.0/templates/ks", "x{{install_token}}x", 201);
            server.admin("POST", "/api/1.0/hosts/h1", "{}", 201);
            assertEquals(200, curl("127.0.0.2", server.url() + "/api/1.0/templates/ks/h1"));
            assertEquals("xx", server.get("/api/1.0/templates/ks/h1", null).body());
        }
    }
}
