package org.bergenholm.events;

import java.util.Map;

/**
 * A host's timeline: every subsystem records what it did for a machine here
 * ("script served", "dhcp ack", "tftp served undionly.kpxe", ...). Recording never blocks
 * the caller on the database and never throws.
 */
public interface EventLog {
    void record(String hostId, String step, Map<String, Object> details);

    /** For tests and tools that need no timeline. */
    EventLog NONE = (hostId, step, details) -> { };
}
