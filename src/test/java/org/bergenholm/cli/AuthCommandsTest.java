package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bergenholm.Appliance;
import org.bergenholm.auth.AuthConfig;
import org.bergenholm.auth.InstallAccess;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.dhcp.DhcpConfig;
import org.bergenholm.images.ImageCacheConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `bergenholm user …` and `token …` end to end against an appliance with authentication on; and serve's auth settings. */
class AuthCommandsTest {
    @TempDir
    Path data;
    @TempDir
    Path tmp;

    private Appliance start() throws Exception {
        return new Appliance(new ApplianceConfig("127.0.0.1", 0, null, "off", null, "127.0.0.1", "http://127.0.0.1", null,
                data, null, "none", ApplianceConfig.DEFAULT_EVENTS_PER_HOST, ImageCacheConfig.defaults(), DhcpConfig.defaults(),
                AuthConfig.on()));
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        return r;
    }

    @Test
    void usersAndTokensAreManagedFromTheCommandLine() throws Exception {
        try (Appliance appliance = start()) {
            String url = "http://127.0.0.1:" + appliance.httpPort() + "/api/1.0";
            String admin = Files.readString(data.resolve("admin.token")).strip();
            Path empty = Files.createDirectories(tmp.resolve("empty"));

            Cli.Result refused = Cli.at(url, "host", "list", "--data-dir", empty.toString());
            assertEquals(1, refused.exit());
            assertTrue(refused.errLine().contains("401"), refused.err());

            // No credentials given: the admin token file of --data-dir is used.
            ok(Cli.at(url, "host", "list", "--data-dir", data.toString()));

            Path pw = Files.writeString(tmp.resolve("pw"), "correct horse\n");
            ok(Cli.at(url, "user", "add", "alice", "--password-file", pw.toString(), "--token", admin));
            assertEquals("alice\tdatabase\n", ok(Cli.at(url, "user", "list", "--token", admin)).out());
            ok(Cli.at(url, "host", "list", "--user", "alice", "--password", "correct horse", "--data-dir", empty.toString()));

            String secret = ok(Cli.at(url, "token", "create", "ci", "--user", "alice", "--password", "correct horse")).out().strip();
            assertEquals(43, secret.length(), secret);
            String list = ok(Cli.at(url, "token", "list", "--token", secret)).out();
            assertTrue(list.contains("ci\t") && list.contains("admin\t"), list);
            assertFalse(list.contains(secret), list);
            Cli.Result twice = Cli.at(url, "token", "create", "ci", "--token", secret);
            assertEquals(1, twice.exit());
            assertTrue(twice.errLine().contains("already exists"), twice.err());

            ok(Cli.at(url, "token", "revoke", "ci", "--token", admin));
            Cli.Result revoked = Cli.at(url, "host", "list", "--token", secret, "--data-dir", empty.toString());
            assertEquals(1, revoked.exit());
            assertTrue(revoked.errLine().contains("401"), revoked.err());

            ok(Cli.at(url, "user", "delete", "alice", "--token", admin));
            assertEquals("", ok(Cli.at(url, "user", "list", "--token", admin)).out());
            Cli.Result gone = Cli.at(url, "user", "delete", "alice", "--token", admin);
            assertTrue(gone.exit() == 1 && gone.errLine().contains("404"), gone.err());
        }
    }

    private static AuthConfig effective(Map<String, String> env, Path config, String... args) throws Exception {
        ServeCommand serve = new ServeCommand();
        String[] all = config == null ? args : java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--config", config.toString())).toArray(String[]::new);
        new CommandLine(serve).parseArgs(all);
        serve.env = env;
        return serve.effectiveConfig().auth();
    }

    @Test
    void serveHasAuthOnByDefaultAndNoAuthOrAuthOffTurnsItOff() throws Exception {
        assertTrue(effective(Map.of(), null).enabled(), "serve's default is on");
        assertFalse(effective(Map.of(), null, "--no-auth").enabled());
        assertFalse(effective(Map.of("BERGENHOLM_AUTH", "off"), null).enabled());
        Path off = Files.writeString(tmp.resolve("off.yaml"), "auth: off\ninstall-access: token\n");
        assertFalse(effective(Map.of(), off).enabled());
        assertEquals(InstallAccess.TOKEN, effective(Map.of(), off).installAccess());
        assertTrue(effective(Map.of("BERGENHOLM_AUTH", "on"), off).enabled(), "the environment beats the file");
        assertFalse(effective(Map.of("BERGENHOLM_AUTH", "on"), off, "--no-auth").enabled(), "the command line beats both");
        assertEquals(InstallAccess.ADDRESS, effective(Map.of(), off, "--install-access", "address").installAccess());
        assertEquals(InstallAccess.OPEN, effective(Map.of(), null).installAccess(), "1.0 templates keep working by default");
    }

    @Test
    void usersInTheConfigurationFileMustBeHashesAndCanLogIn() throws Exception {
        Path plain = Files.writeString(tmp.resolve("plain.yaml"), "users:\n  ops: hunter2hunter2\n");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> effective(Map.of(), plain));
        assertTrue(e.getMessage().contains("bcrypt hash") && !e.getMessage().contains("hunter2"), e.getMessage());
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), "users:\n  ops: '$2y$10$hunter2hunter2'\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> effective(Map.of(), broken));
        assertTrue(e.getMessage().contains("not a bcrypt hash") && !e.getMessage().contains("hunter2"), e.getMessage());

        // As `htpasswd -nbB ops 'correct horse'` prints it ($2y$).
        String hash = at.favre.lib.crypto.bcrypt.BCrypt.with(at.favre.lib.crypto.bcrypt.BCrypt.Version.VERSION_2Y)
                .hashToString(4, "correct horse".toCharArray());
        Path file = Files.writeString(tmp.resolve("users.yaml"), "users:\n  ops: '" + hash + "'\n");
        AuthConfig auth = effective(Map.of(), file);
        assertEquals(Map.of("ops", hash), auth.users());
        try (Appliance appliance = new Appliance(new ApplianceConfig("127.0.0.1", 0, null, "off", null, "127.0.0.1", "http://127.0.0.1",
                null, data, null, "none", ApplianceConfig.DEFAULT_EVENTS_PER_HOST, ImageCacheConfig.defaults(), DhcpConfig.defaults(), auth))) {
            String url = "http://127.0.0.1:" + appliance.httpPort() + "/api/1.0";
            ok(Cli.at(url, "host", "list", "--user", "ops", "--password", "correct horse"));
            assertFalse(Files.exists(data.resolve("admin.token")), "a user in the file can log in, so no admin token is made");
            assertEquals("ops\tconfig\n", ok(Cli.at(url, "user", "list", "--user", "ops", "--password", "correct horse")).out());
        }
    }
}
