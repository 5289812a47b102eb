package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.bergenholm.store.LeaseStore;

/**
 * Chooses and binds full-mode addresses. Leases are keyed by MAC (not client identifier), so
 * PXE firmware and then iPXE on one machine keep one lease. Every step is one conditional
 * write in the database; nothing is kept in memory, so several appliances may allocate from
 * one database at once.
 */
public final class LeaseAllocator {
    private static final int EXPIRED_TRIES = 8;

    private final LeaseStore store;
    private final Clock clock;
    private final Duration offerHold;
    private final Duration quarantine;

    public LeaseAllocator(LeaseStore store, Clock clock, Duration offerHold, Duration quarantine) {
        this.store = store;
        this.clock = clock;
        this.offerHold = offerHold;
        this.quarantine = quarantine;
    }

    /**
     * An address held for {@code mac} for the offer hold: its reservation, its current lease,
     * the address it asks for, a never-used one, the longest-expired one; empty when the pool is full.
     */
    public Optional<InetAddress> offer(String mac, Pool pool, InetAddress reserved, InetAddress requested,
            Predicate<InetAddress> reservedForOther) {
        Instant now = clock.instant();
        Instant hold = now.plus(offerHold);
        if (reserved != null && claim(reserved, mac, "offered", hold, now)) {
            return Optional.of(reserved);
        }
        long first = Pool.toLong(pool.first());
        long last = Pool.toLong(pool.last());
        Optional<LeaseStore.Lease> current = store.byMac(mac, first, last);
        if (current.isPresent()) {
            LeaseStore.Lease lease = current.get();
            InetAddress address = Pool.ipv4(lease.address());
            boolean stillBound = lease.state().equals("bound") && lease.expires().isAfter(hold);
            if (!reservedForOther.test(address)
                    && claim(address, mac, stillBound ? "bound" : "offered", stillBound ? lease.expires() : hold, now)) {
                return Optional.of(address);
            }
        }
        if (requested != null && pool.contains(requested) && !reservedForOther.test(requested)
                && claim(requested, mac, "offered", hold, now)) {
            return Optional.of(requested);
        }
        Optional<InetAddress> fresh = fresh(mac, first, last, hold, reservedForOther);
        if (fresh.isPresent()) {
            return fresh;
        }
        for (int i = 0; i < EXPIRED_TRIES; i++) {
            Optional<String> expired = store.claimExpired(first, last, mac, "offered", hold, now);
            if (expired.isEmpty()) {
                break;
            }
            InetAddress address = Pool.ipv4(expired.get());
            if (!reservedForOther.test(address)) {
                return Optional.of(address);
            }
            // Someone else's reservation: give it back at once and look further.
            store.release(expired.get(), mac, now.minusSeconds(1));
        }
        return gap(mac, first, last, hold, reservedForOther);
    }

    /** Never-used addresses first: one counter step and one insert, no scan. */
    private Optional<InetAddress> fresh(String mac, long first, long last, Instant hold, Predicate<InetAddress> reservedForOther) {
        for (Optional<Long> n = store.nextFresh(first, last); n.isPresent(); n = store.nextFresh(first, last)) {
            Optional<InetAddress> got = tryInsert(n.get(), mac, hold, reservedForOther);
            if (got.isPresent()) {
                return got;
            }
        }
        return Optional.empty();
    }

    /** Last resort once the range has been walked and nothing expired: an address with no document (a skipped reservation). */
    private Optional<InetAddress> gap(String mac, long first, long last, Instant hold, Predicate<InetAddress> reservedForOther) {
        for (long n = first; n <= last; n++) {
            if (store.byAddress(Pool.fromLong(n).getHostAddress()).isEmpty()) {
                Optional<InetAddress> got = tryInsert(n, mac, hold, reservedForOther);
                if (got.isPresent()) {
                    return got;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<InetAddress> tryInsert(long n, String mac, Instant hold, Predicate<InetAddress> reservedForOther) {
        InetAddress address = Pool.fromLong(n);
        if (reservedForOther.test(address)) {
            return Optional.empty();
        }
        return store.insert(address.getHostAddress(), n, mac, "offered", hold) ? Optional.of(address) : Optional.empty();
    }

    /** Binds {@code address} (in the pool's range or reserved in its subnet) to {@code mac}; false when it is not this MAC's to have. */
    public boolean bind(String mac, Pool pool, InetAddress address) {
        if (!pool.sameSubnet(address)) {
            return false;
        }
        Instant now = clock.instant();
        return claim(address, mac, "bound", now.plusSeconds(pool.leaseSeconds()), now);
    }

    /** True when the database has a lease document for {@code address}, whoever holds it. */
    public boolean known(InetAddress address) {
        return store.byAddress(address.getHostAddress()).isPresent();
    }

    public void release(String mac, InetAddress address) {
        store.release(address.getHostAddress(), mac, clock.instant());
    }

    /** A client saw this address in use (DECLINE): nobody gets it until the quarantine ends. */
    public void decline(InetAddress address) {
        store.quarantine(address.getHostAddress(), Pool.toLong(address), clock.instant().plus(quarantine));
    }

    private boolean claim(InetAddress address, String mac, String state, Instant expires, Instant now) {
        return store.claim(address.getHostAddress(), Pool.toLong(address), mac, state, expires, now);
    }
}
