package org.bergenholm.store;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the commands the driver sends, by name: how many round trips a request costs. */
final class CommandCounter implements CommandListener {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void commandStarted(CommandStartedEvent event) {
        counts.computeIfAbsent(event.getCommandName(), k -> new LongAdder()).increment();
    }

    long count(String name) {
        LongAdder a = counts.get(name);
        return a == null ? 0 : a.sum();
    }
}
