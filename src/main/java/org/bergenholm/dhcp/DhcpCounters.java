package org.bergenholm.dhcp;

import java.util.concurrent.atomic.AtomicLong;

/** Running totals since start; read by the metrics endpoint later. */
public record DhcpCounters(AtomicLong received, AtomicLong malformed, AtomicLong ignored, AtomicLong dropped,
        AtomicLong offers, AtomicLong acks, AtomicLong naks, AtomicLong declines, AtomicLong releases, AtomicLong errors) {
    public static DhcpCounters zero() {
        return new DhcpCounters(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
                new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
    }
}
