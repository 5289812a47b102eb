package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bergenholm.testing.Fixture;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A script request costs one query, the template's: the host and its group tree come from the
 * in-memory inventory view (before it, one query per level of the tree and one for the host).
 */
class RoundTripTest {
    @Test
    void scriptForSamplehostTakesOneQuery() throws Exception {
        try (TestServer server = TestServer.start()) {
            Fixture.load(server);
            server.get("/ipxe/script/samplehost");
            long before = server.databaseCommands("find");
            assertEquals(200, server.get("/ipxe/script/samplehost").status());
            assertEquals(1, server.databaseCommands("find") - before);
        }
    }
}
