package org.bergenholm.store;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the commands the driver sends, by name (how many round trips a request costs), and
 * the time they took (the database latency metric).
 */
public final class CommandCounter implements CommandListener {
    /** Finished commands of one name: how many, total seconds, how many failed. */
    public record Totals(LongAdder count, LongAdder nanos, LongAdder failures) {
        public double seconds() {
            return nanos.sum() / 1e9;
        }
    }

    private final Map<String, LongAdder> started = new ConcurrentHashMap<>();
    private final Map<String, Totals> finished = new ConcurrentHashMap<>();

    @Override
    public void commandStarted(CommandStartedEvent event) {
        started.computeIfAbsent(event.getCommandName(), k -> new LongAdder()).increment();
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        record(event.getCommandName(), event.getElapsedTime(TimeUnit.NANOSECONDS), false);
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        record(event.getCommandName(), event.getElapsedTime(TimeUnit.NANOSECONDS), true);
    }

    private void record(String name, long nanos, boolean failed) {
        Totals t = finished.computeIfAbsent(name, k -> new Totals(new LongAdder(), new LongAdder(), new LongAdder()));
        t.count.increment();
        t.nanos.add(nanos);
        if (failed) {
            t.failures.increment();
        }
    }

    long count(String name) {
        LongAdder a = started.get(name);
        return a == null ? 0 : a.sum();
    }

    Map<String, Totals> finished() {
        return finished;
    }
}
