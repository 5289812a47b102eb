package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `host events` prints the timeline the appliance recorded; `--follow` prints new events as they happen. */
class HostEventsCommandTest {
    private static void power(TestServer server, String action) throws Exception {
        assertEquals(202, server.json("PUT", "/api/1.0/power/n1", "{\"power\": \"" + action + "\"}").status());
    }

    private static String waitFor(StringWriter out, String text) throws InterruptedException {
        for (int i = 0; i < 100 && !out.toString().contains(text); i++) {
            Thread.sleep(50);
        }
        return out.toString();
    }

    @Test
    void printsAndFollowsTheTimeline() throws Exception {
        try (TestServer server = TestServer.start()) {
            assertEquals(201, server.json("POST", "/api/1.0/hosts/n1", "{\"power_driver\": \"dummy\"}").status());
            power(server, "on");
            String url = server.apiUrl();
            Cli.Result once = Cli.at(url, "host", "events", "n1");
            for (int i = 0; i < 50 && !once.out().contains("power on"); i++) {
                Thread.sleep(50);
                once = Cli.at(url, "host", "events", "n1");
            }
            assertEquals(0, once.exit(), once.err());
            assertTrue(once.out().matches("(?s)\\d{4}-\\d\\d-\\d\\dT[^ ]+  power on  who=api driver=dummy result=on\\n"), once.out());

            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            Thread follower = new Thread(() -> cl.execute("host", "events", "n1", "--follow", "--interval", "100", "--url", url));
            follower.start();
            assertTrue(waitFor(out, "power on").contains("power on"));
            power(server, "off");
            String followed = waitFor(out, "power off");
            follower.interrupt();
            follower.join(5000);
            assertTrue(followed.contains("power off  who=api driver=dummy result=off"), followed);
            assertEquals(1, followed.split("power on", -1).length - 1, "each event printed once: " + followed);

            Cli.Result missing = Cli.at(url, "host", "events", "n1", "--interval", "x");
            assertEquals(2, missing.exit());
        }
    }
}
