package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bergenholm.store.Database;
import org.bergenholm.store.LeaseStore;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a renewal answered from memory reaches the database, on the embedded database with a clock the test moves. */
class RenewalWriteTest {
    private static final int LEASE = 800;
    private static final String MAC = "52:54:00:00:03:01";
    private final Pool pool = Pool.parse("10.63.0.10-10.63.0.20", "255.255.255.0", null, List.of(), null, LEASE, null);
    private final MovableClock clock = new MovableClock();
    @TempDir Path dir;
    private Database db;
    private LeaseAllocator leases;

    @BeforeEach
    void start() {
        db = Database.embedded(dir);
        leases = new LeaseAllocator(new LeaseStore(db), clock, Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        leases.close();
        db.close();
    }

    private InetAddress bound() {
        InetAddress a = leases.offer(MAC, pool, null, null, x -> false).orElseThrow();
        assertEquals(LeaseAllocator.Binding.BOUND, leases.bind(MAC, pool, a).join());
        return a;
    }

    private Instant storedExpiry(InetAddress a) {
        Document d = db.mongo().getCollection("leases").find(new Document("_id", a.getHostAddress())).first();
        assertEquals(MAC, d.getString("mac"));
        return d.getDate("expires").toInstant();
    }

    @Test
    void aRenewalWithinAnEighthOfALeaseOfTheStoredExpiryWritesNothing() {
        InetAddress a = bound();
        Instant stored = storedExpiry(a);
        long updatesBefore = db.commands("findAndModify") + db.commands("update") + db.commands("insert");
        clock.advance(Duration.ofSeconds(LEASE / 8)); // iPXE asking again after the firmware: same MAC, same address
        assertEquals(LeaseAllocator.Binding.BOUND, leases.bind(MAC, pool, a).join());
        leases.close(); // waits for the writes queued so far
        assertEquals(updatesBefore, db.commands("findAndModify") + db.commands("update") + db.commands("insert"),
                "no database write for this renewal");
        assertEquals(stored, storedExpiry(a));
    }

    @Test
    void aRenewalMovingTheExpiryFurtherIsAnsweredFromMemoryAndStoredAfterwards() {
        InetAddress a = bound();
        Instant stored = storedExpiry(a);
        clock.advance(Duration.ofSeconds(LEASE / 8 + 1));
        assertEquals(LeaseAllocator.Binding.BOUND, leases.bind(MAC, pool, a).join());
        leases.close();
        assertEquals(stored.plusSeconds(LEASE / 8 + 1), storedExpiry(a));
    }

    @Test
    void aRenewalPastHalfTheStoredLeaseIsStoredBeforeItIsAnswered() {
        InetAddress a = bound();
        Instant stored = storedExpiry(a);
        clock.advance(Duration.ofSeconds(LEASE / 2 + 1));
        assertEquals(LeaseAllocator.Binding.BOUND, leases.bind(MAC, pool, a).join());
        assertEquals(stored.plusSeconds(LEASE / 2 + 1), storedExpiry(a), "stored when bind returns, before any close");
        // The next renewal a moment later is measured against that new stored expiry: nothing to write.
        long updatesBefore = db.commands("findAndModify") + db.commands("update");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(LeaseAllocator.Binding.BOUND, leases.bind(MAC, pool, a).join());
        leases.close();
        assertEquals(updatesBefore, db.commands("findAndModify") + db.commands("update"));
    }

    /** A clock only the test moves. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-24T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
