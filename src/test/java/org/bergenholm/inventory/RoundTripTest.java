package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bergenholm.testing.Fixture;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** A script request costs one query per level of the group tree, not one per group. */
class RoundTripTest {
    @Test
    void scriptForSamplehostTakesFiveQueries() throws Exception {
        try (TestServer server = TestServer.start()) {
            Fixture.load(server);
            server.get("/ipxe/script/samplehost");
            long before = server.databaseCommands("find");
            assertEquals(200, server.get("/ipxe/script/samplehost").status());
            // host; groups [centos6, centos.amd64]; [centos]; [default]; the template.
            assertEquals(5, server.databaseCommands("find") - before);
        }
    }
}
