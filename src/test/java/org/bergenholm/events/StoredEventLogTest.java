package org.bergenholm.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bergenholm.store.Database;
import org.bergenholm.store.EventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events wait to be stored in batches, but a read never waits for the batch to fill. */
class StoredEventLogTest {
    @TempDir Path dir;

    @Test
    void aReadStoresWhatIsGatheredWithoutWaitingOutTheGathering() {
        try (Database db = Database.embedded(dir);
                StoredEventLog log = new StoredEventLog(new EventStore(db), 100, Duration.ofMinutes(10))) {
            log.record("h1", "dhcp offer", Map.of("mac", "52:54:00:00:00:01"));
            log.record("h1", "dhcp ack", Map.of("mac", "52:54:00:00:00:01"));
            long start = System.nanoTime();
            List<Event> events = log.forHost("h1");
            assertEquals(List.of("dhcp offer", "dhcp ack"), events.stream().map(Event::step).toList());
            // flush() gives up after 2 s: finding both events in time means the read ended the gathering.
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
            log.record("h1", "script served", Map.of());
            assertEquals(3, log.forHost("h1").size(), "the writer gathers again after a flush");
        }
    }
}
