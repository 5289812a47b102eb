package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bergenholm.testing.Fixture;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A script request costs no query once its template was read: the host and its group tree come
 * from the in-memory inventory view (before it, one query per level of the tree and one for the
 * host), the template from the template store's recent reads (before them, one query).
 */
class RoundTripTest {
    /**
     * The find count once nothing else queries: after the fixture's writes the inventory view renders
     * every host's script on its own thread, reading the templates.
     */
    private static long quiet(TestServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long last = server.databaseCommands("find");
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            long now = server.databaseCommands("find");
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    @Test
    void scriptForSamplehostTakesNoQuery() throws Exception {
        try (TestServer server = TestServer.start()) {
            Fixture.load(server);
            server.get("/ipxe/script/samplehost");
            long before = quiet(server);
            assertEquals(200, server.get("/ipxe/script/samplehost").status());
            assertEquals(0, server.databaseCommands("find") - before);
        }
    }
}
