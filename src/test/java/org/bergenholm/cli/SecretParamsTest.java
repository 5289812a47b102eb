package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bergenholm.inventory.Secrets;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `secret-params` in the config file decides what the API, the timeline and the CLI mask. */
class SecretParamsTest {
    @TempDir Path tmp;

    @AfterEach
    void defaults() {
        Secrets.use(Secrets.DEFAULT_PATTERNS);
    }

    private void serveWith(Map<String, String> env, String... args) throws Exception {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        serve.env = env;
        serve.effectiveConfig();
    }

    @Test
    void configFileListEnvironmentAndCommandLine() throws Exception {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "secret-params:\n  - 'bmc_*'\n  - '*_key'\n");
        serveWith(Map.of(), "--config", f.toString());
        assertEquals(List.of("bmc_*", "*_key"), Secrets.patterns());
        serveWith(Map.of("BERGENHOLM_SECRET_PARAMS", "pin, *pass*"), "--config", f.toString());
        assertEquals(List.of("pin", "*pass*"), Secrets.patterns(), "the environment overrides the file");
        serveWith(Map.of(), "--config", f.toString(), "--secret-params", "x_*");
        assertEquals(List.of("x_*"), Secrets.patterns(), "the command line overrides both");
        serveWith(Map.of());
        assertEquals(Secrets.DEFAULT_PATTERNS, Secrets.patterns(), "default as 1.0");
    }

    @Test
    void configuredNamesAreMaskedInTheApiAndTheTimeline() throws Exception {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "secret-params: [bmc_*]\n");
        serveWith(Map.of(), "--config", f.toString());
        try (TestServer server = TestServer.start()) {
            server.json("POST", "/api/1.0/hosts/m1", "{\"bmc_login\": \"l0gin\", \"ipmi_password\": \"visible\"}");
            String shown = server.get("/api/1.0/hosts/m1").body();
            assertTrue(shown.contains("\"bmc_login\":\"******\"") && shown.contains("\"ipmi_password\":\"visible\""), shown);
            String events = "";
            for (int i = 0; i < 50 && !events.contains("registered"); i++) {
                server.get("/ipxe/register/m2?bmc_pin=p1n");
                Thread.sleep(50);
                events = server.get("/api/1.0/hosts/m2/events").body();
            }
            assertTrue(events.contains("registered") && !events.contains("p1n"), events);
        }
    }

    @Test
    void cliMasksWhatAnOldServerSendsInTheClear() throws Exception {
        // A Bergenholm 1.0 server masks nothing: the CLI must not print its secrets either.
        HttpServer old = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        old.createContext("/api/1.0/hosts/h1", exchange -> {
            boolean events = exchange.getRequestURI().getPath().endsWith("/events");
            byte[] body = (events
                    ? "{\"events\": [{\"time\": \"2026-01-01T00:00:00Z\", \"step\": \"registered\", \"details\": "
                      + "{\"ipmi_password\": \"ev3nt\", \"nested\": {\"api_token\": \"n3sted\"}, \"mac\": \"52:54:00:00:00:01\"}}]}"
                    : "{\"ipmi_password\": \"cl3ar\", \"user\": \"admin\", \"nested\": {\"api_token\": \"n3sted\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        old.start();
        try {
            String url = "http://127.0.0.1:" + old.getAddress().getPort() + "/api/1.0";
            Cli.Result show = Cli.at(url, "host", "show", "h1");
            assertEquals(0, show.exit(), show.err());
            assertFalse(show.out().contains("cl3ar") || show.out().contains("n3sted"), show.out());
            assertTrue(show.out().contains("\"ipmi_password\" : \"******\"") && show.out().contains("admin"), show.out());
            Cli.Result events = Cli.at(url, "host", "events", "h1");
            assertEquals(0, events.exit(), events.err());
            assertFalse(events.out().contains("ev3nt") || events.out().contains("n3sted"), events.out());
            assertTrue(events.out().contains("ipmi_password=******") && events.out().contains("mac=52:54:00:00:00:01"), events.out());
        } finally {
            old.stop(0);
        }
    }
}
