package org.bergenholm.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batched insert DHCP's group commit uses, on the embedded database. */
class LeaseStoreTest {
    @TempDir Path dir;

    @Test
    void batchInsertReportsEachAddressThatSomeoneElseHasAlready() {
        try (Database db = Database.embedded(dir)) {
            LeaseStore store = new LeaseStore(db);
            Instant expires = Instant.now().plus(1, ChronoUnit.HOURS);
            assertTrue(store.insert("10.0.0.2", 2, "aa:aa:aa:aa:aa:aa", "bound", expires));
            boolean[] inserted = store.insertAll(List.of(
                    new LeaseStore.Lease("10.0.0.1", 1, "bb:bb:bb:bb:bb:01", "bound", expires),
                    new LeaseStore.Lease("10.0.0.2", 2, "bb:bb:bb:bb:bb:02", "bound", expires),
                    new LeaseStore.Lease("10.0.0.3", 3, "bb:bb:bb:bb:bb:03", "bound", expires)));
            assertArrayEquals(new boolean[] {true, false, true}, inserted);
            assertEquals("aa:aa:aa:aa:aa:aa", store.byAddress("10.0.0.2").orElseThrow().mac(), "the holder keeps it");
            assertEquals("bb:bb:bb:bb:bb:03", store.byAddress("10.0.0.3").orElseThrow().mac(), "the rest of the batch is stored");
            assertEquals(3, store.all().size());
        }
    }
}
