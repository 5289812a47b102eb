package org.bergenholm.events;

import java.time.Instant;
import java.util.Map;

/** One step on a host's timeline. */
public record Event(Instant time, String host, String step, Map<String, Object> details) {
}
