package org.bergenholm.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
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

    /**
     * The writer is not woken by each event it is gathering (it was: a futex call for the recording
     * thread and a context switch for the writer, per event). Counted by the kernel for the writer's
     * own thread: Linux only, as the appliance is.
     */
    @Test
    void recordingDoesNotWakeTheWriterForEachEvent() throws Exception {
        try (Database db = Database.embedded(dir)) {
            Set<String> before = tasksNamed("event-writer");
            try (StoredEventLog log = new StoredEventLog(new EventStore(db), 1000, Duration.ofMinutes(10))) {
                // A thread names itself once it runs, a moment after start() returned.
                Set<String> writers = new HashSet<>();
                for (long until = System.nanoTime() + Duration.ofSeconds(5).toNanos(); writers.isEmpty() && System.nanoTime() < until; ) {
                    Thread.sleep(5);
                    writers = tasksNamed("event-writer");
                    writers.removeAll(before);
                }
                assertEquals(1, writers.size(), "the new log's writer thread");
                Path status = Path.of("/proc/self/task", writers.iterator().next(), "status");
                log.record("h1", "first", Map.of()); // ends the writer's wait for a first event
                Thread.sleep(20);
                long switches = voluntarySwitches(status);
                for (int i = 0; i < 200; i++) {
                    log.record("h1", "event " + i, Map.of());
                    Thread.sleep(1);
                }
                long woken = voluntarySwitches(status) - switches;
                assertTrue(woken < 40, "the writer was woken " + woken + " times for 200 events");
                assertEquals(201, log.forHost("h1").size());
            }
        }
    }

    private static Set<String> tasksNamed(String name) throws Exception {
        Set<String> found = new HashSet<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).strip().equals(name)) {
                    found.add(t.getFileName().toString());
                }
            }
        }
        return found;
    }

    private static long voluntarySwitches(Path status) throws Exception {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new IllegalStateException("no voluntary_ctxt_switches in " + status);
    }
}
