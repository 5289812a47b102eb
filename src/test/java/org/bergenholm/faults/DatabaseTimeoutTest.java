package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.bergenholm.store.Database;
import org.junit.jupiter.api.Test;

/** With nobody at the URI, a command fails after about 2 s, or after the URI's own serverSelectionTimeoutMS. */
class DatabaseTimeoutTest {
    private static long pingMillis(String uri) {
        try (Database db = Database.connect(uri, "x")) {
            long start = System.nanoTime();
            assertFalse(db.ping(), "nobody answers at " + uri);
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    @Test
    void serverSelectionIsShortAndTheUriMayChangeIt() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        long byDefault = pingMillis("mongodb://127.0.0.1:" + port + "/x");
        assertTrue(byDefault >= 1500 && byDefault < 4000, "default: gave up after " + byDefault + " ms");
        long fromUri = pingMillis("mongodb://127.0.0.1:" + port + "/x?serverSelectionTimeoutMS=300");
        assertTrue(fromUri < 1200, "serverSelectionTimeoutMS=300 in the URI: gave up after " + fromUri + " ms");
    }
}
