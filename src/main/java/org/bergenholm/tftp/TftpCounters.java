package org.bergenholm.tftp;

import java.util.concurrent.atomic.AtomicLong;

/** Running totals since start; read by the metrics endpoint later. */
public record TftpCounters(AtomicLong transfers, AtomicLong bytes, AtomicLong errors, AtomicLong retransmits) {
    public static TftpCounters zero() {
        return new TftpCounters(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
    }
}
