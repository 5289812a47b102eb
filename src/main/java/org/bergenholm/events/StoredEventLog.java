package org.bergenholm.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bergenholm.store.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to the database from one background thread, in batches, so that a DHCP
 * packet or a script request never waits on the timeline. Keeps at most
 * {@code perHostLimit} events per host.
 */
public final class StoredEventLog implements EventLog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoredEventLog.class);
    private static final int QUEUE = 10_000;
    private static final int TRIM_EVERY = 100;
    private static final int BATCH = 500;
    /**
     * How long the writer gathers events after the first before it stores them. A storm records
     * events a few at a time; stored as they come, each small batch pays a whole insert command
     * (at 20 ms a 1000-machine storm sent about a thousand). A read does not wait for it: flush()
     * ends the gathering.
     */
    private static final Duration GATHER = Duration.ofMillis(250);
    private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EventStore store;
    private final int perHostLimit;
    private final long gatherNanos;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Map<String, Integer> sinceTrim = new HashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;
    /**
     * Set by flush(): store what is gathered now. A flag rather than a wake-up alone, so that one
     * that comes while the writer is storing the batch before is not lost.
     */
    private final AtomicBoolean flushAsked = new AtomicBoolean();
    /** Events accepted into the queue, and events the writer has finished with (stored or failed). */
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();

    public StoredEventLog(EventStore store, int perHostLimit) {
        this(store, perHostLimit, GATHER);
    }

    StoredEventLog(EventStore store, int perHostLimit, Duration gather) {
        this.store = store;
        this.perHostLimit = perHostLimit;
        this.gatherNanos = gather.toNanos();
        this.writer = new Thread(this::drain, "event-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void record(String hostId, String step, Map<String, Object> details) {
        if (hostId == null) {
            return;
        }
        Event e = new Event(Instant.now(), hostId, step, org.bergenholm.inventory.Secrets.masked(details));
        if (queue.offer(e)) {
            recorded.incrementAndGet();
        } else if (dropped.incrementAndGet() % 1000 == 1) {
            log.warn("event queue full, {} events dropped so far", dropped.get());
        }
    }

    public List<Event> forHost(String host) {
        flush();
        return store.forHost(host, perHostLimit);
    }

    public List<Event> since(Instant since, int limit) {
        flush();
        return store.since(since, limit);
    }

    /** Waits (briefly) until what was recorded so far is stored, so reads see it. */
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long target = recorded.get();
        if (handled.get() < target) {
            flushAsked.set(true);
            LockSupport.unpark(writer);
        }
        while (handled.get() < target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        List<Event> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Event first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                gather(batch);
                store.insert(batch);
                trimIfDue(batch);
            } catch (InterruptedException ie) {
                break;
            } catch (RuntimeException ex) {
                log.warn("could not store {} events: {}", batch.size(), ex.getMessage());
            } finally {
                handled.addAndGet(batch.size());
                batch.clear();
            }
        }
    }

    /**
     * Adds to the batch until it is full, the gathering time has passed, or a flush is asked for.
     * The writer looks
     * at the queue every {@link #LOOK_NANOS} rather than waking for each event: woken by each, it cost
     * the threads that record (DHCP, TFTP, HTTP workers) a futex call per event and itself a
     * context switch, 8000 of each in a 1000-machine storm. flush() wakes it at once.
     */
    private void gather(List<Event> batch) {
        long until = System.nanoTime() + gatherNanos;
        while (batch.size() < BATCH && running) {
            queue.drainTo(batch, BATCH - batch.size());
            long left = until - System.nanoTime();
            if (batch.size() >= BATCH || left <= 0 || flushAsked.getAndSet(false)) {
                return;
            }
            LockSupport.parkNanos(this, Math.min(left, LOOK_NANOS));
        }
    }

    private void trimIfDue(List<Event> batch) {
        for (Event e : batch) {
            int n = sinceTrim.merge(e.host(), 1, Integer::sum);
            if (n >= TRIM_EVERY) {
                sinceTrim.remove(e.host());
                store.trim(e.host(), perHostLimit);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(5000);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
