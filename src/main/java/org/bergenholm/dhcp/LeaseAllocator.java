package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.bergenholm.store.LeaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and binds full-mode addresses. Leases are keyed by MAC (not client identifier), so
 * PXE firmware and then iPXE on one machine keep one lease.
 *
 * <p>Allocation works on the in-memory {@link LeaseTable}: an OFFER costs no database round
 * trip. A binding is written through to the database before it is acknowledged ("acknowledge
 * nothing it cannot store"); the write is one conditional write on the address's document, so
 * two appliances sharing one database still never bind one address twice (the loser's client
 * gets a NAK and starts over). One exception, for speed and for outages: a REQUEST renewing a
 * binding whose stored expiry is still more than half a lease away is acknowledged from memory
 * and its new expiry written afterwards. That is safe because the client renews again at half
 * the lease (T1), which is before the stored expiry, and that renewal is written first. The
 * write afterwards is skipped while the new expiry is at most an eighth of a lease past the
 * stored one (iPXE asking seconds after the firmware did, a client rebooting): the stored
 * lease then still covers the client past its rebinding time (T2, seven eighths), and the
 * embedded database's conditional update reads the whole collection, so a write per renewal
 * was most of the database's work under a storm.
 *
 * <p>The table reloads from the database every {@code refresh} (bindings made by other
 * appliances). While the database is down, DISCOVERs are still offered from memory, in-table
 * renewals as above are acknowledged, and every other REQUEST gets no answer: the client
 * retransmits and is answered once the database is back.
 */
public final class LeaseAllocator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseAllocator.class);
    /** After a failed write, how long binds answer "cannot store" at once instead of each waiting on the driver. */
    private static final long RETRY_NANOS = 1_000_000_000L;
    /** A renewal acknowledged from memory is stored once its expiry is more than 1/STORED_LAG of a lease past the stored one. */
    private static final int STORED_LAG = 8;
    /**
     * New leases waiting for their batch: about a quarter of a second of the embedded database's inserts. Beyond
     * that an answer would come after the client gave up on it, so the client gets none now and is served when it
     * asks again (perfdhcp at 3200/s with 4096 allowed: 61% of the REQUESTs unanswered in time).
     */
    private static final int MAX_PENDING_INSERTS = 512;

    /** The outcome of a REQUEST's binding. */
    public enum Binding { BOUND, REFUSED, UNSTORED }

    private final LeaseStore store;
    private final Clock clock;
    private final Duration offerHold;
    private final Duration quarantine;
    private final LeaseTable table = new LeaseTable();
    private final GroupCommit inserts;
    private final ScheduledThreadPoolExecutor reloader;
    private final ThreadPoolExecutor writer;
    private final WarningLimiter warnings = new WarningLimiter(log, 60_000);
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile long retryAt;
    private volatile boolean down;

    public LeaseAllocator(LeaseStore store, Clock clock, Duration offerHold, Duration quarantine, Duration refresh) {
        this.store = store;
        this.clock = clock;
        this.offerHold = offerHold;
        this.quarantine = quarantine;
        this.inserts = new GroupCommit(store);
        this.reloader = new ScheduledThreadPoolExecutor(1, daemon("lease-reload"));
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), daemon("lease-writer"));
        reload();
        reloader.scheduleWithFixedDelay(this::reload, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Merges the database's leases into the table; on failure keeps the table as it is. */
    void reload() {
        long since = table.version();
        try {
            table.load(store.all(), since, clock.instant());
            if (down) {
                log.info("DHCP lease database reachable again");
            }
            down = false;
        } catch (RuntimeException e) {
            down = true;
            warnings.warn("reload", "DHCP cannot read leases from the database ({}); offering from memory, acknowledging only"
                    + " renewals until it is back", e.toString());
        }
    }

    /** False until the table has been read from the database once: before that, an offer could name someone's address. */
    public boolean ready() {
        return table.loaded();
    }

    /**
     * An address held for {@code mac} for the offer hold: its reservation, its current lease,
     * the address it asks for, a never-used one, the longest-expired one; empty when the pool is full.
     */
    public Optional<InetAddress> offer(String mac, Pool pool, InetAddress reserved, InetAddress requested,
            Predicate<InetAddress> reservedForOther) {
        Instant now = clock.instant();
        long first = Pool.toLong(pool.first());
        long last = Pool.toLong(pool.last());
        List<Long> wanted = new ArrayList<>(3);
        if (reserved != null) {
            wanted.add(Pool.toLong(reserved));
        }
        table.of(mac).filter(n -> n >= first && n <= last && !reservedForOther.test(Pool.fromLong(n))).ifPresent(wanted::add);
        if (requested != null && pool.contains(requested) && !reservedForOther.test(requested)) {
            wanted.add(Pool.toLong(requested));
        }
        return table.offer(mac, wanted, first, last, n -> reservedForOther.test(Pool.fromLong(n)), now, now.plus(offerHold))
                .map(Pool::fromLong);
    }

    /**
     * Binds {@code address} (in the pool's range or reserved in its subnet) to {@code mac}, storing it first.
     * The outcome is complete at once when no database write is due; a new address completes when its batch
     * is stored, on the committing thread, so that no caller waits on the database meanwhile.
     */
    public CompletableFuture<Binding> bind(String mac, Pool pool, InetAddress address) {
        if (!pool.sameSubnet(address)) {
            return CompletableFuture.completedFuture(Binding.REFUSED);
        }
        Instant now = clock.instant();
        long n = Pool.toLong(address);
        Instant expires = now.plusSeconds(pool.leaseSeconds());
        LeaseTable.Entry e = table.get(n);
        if (e != null && !e.freeFor(mac, now)) {
            return CompletableFuture.completedFuture(Binding.REFUSED);
        }
        if (e != null && e.boundTo(mac) && e.stored() != null
                && Duration.between(now, e.stored()).getSeconds() * 2 > pool.leaseSeconds()) {
            table.put(n, mac, "bound", expires, e.stored(), true);
            if (Duration.between(e.stored(), expires).getSeconds() * STORED_LAG > pool.leaseSeconds()) {
                storeLater(address, n, mac, expires, now);
            }
            return CompletableFuture.completedFuture(Binding.BOUND);
        }
        boolean insert = e == null || !e.documented();
        if (insert && inserts.backlog() >= MAX_PENDING_INSERTS) {
            warnings.warn("backlog", "DHCP: {} new leases wait to be stored; no answer to new bindings until fewer do",
                    inserts.backlog());
            return CompletableFuture.completedFuture(Binding.UNSTORED);
        }
        if (!mayTryStore()) {
            return CompletableFuture.completedFuture(Binding.UNSTORED);
        }
        String a = address.getHostAddress();
        if (insert) {
            // An address without a document is most likely new: one insert, batched. When it has a document after all
            // (another appliance's, or this client's retransmission), the conditional update decides; it runs on the
            // commit thread, which holds back the next batch meanwhile: that is the back pressure when appliances race.
            return inserts.insert(new LeaseStore.Lease(a, n, mac, "bound", expires))
                    .thenApply(inserted -> inserted || store.claim(a, n, mac, "bound", expires, now))
                    .handle((stored, ex) -> outcome(stored, ex, address, n, mac, expires));
        }
        Boolean stored = null;
        RuntimeException failure = null;
        try {
            stored = store.claim(a, n, mac, "bound", expires, now);
        } catch (RuntimeException ex) {
            failure = ex;
        }
        return CompletableFuture.completedFuture(outcome(stored, failure, address, n, mac, expires));
    }

    private Binding outcome(Boolean stored, Throwable failure, InetAddress address, long n, String mac, Instant expires) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            storeFailed(cause instanceof RuntimeException r ? r : new IllegalStateException(cause));
            return Binding.UNSTORED;
        }
        storeWorked();
        if (stored) {
            table.put(n, mac, "bound", expires, expires, true);
            return Binding.BOUND;
        }
        learn(address); // another appliance holds it: remember, so that it is not offered again
        return Binding.REFUSED;
    }

    private void learn(InetAddress address) {
        try {
            long since = table.version();
            store.byAddress(address.getHostAddress()).ifPresent(l -> table.load(List.of(l), since, clock.instant()));
        } catch (RuntimeException e) {
            storeFailed(e);
        }
    }

    private void storeLater(InetAddress address, long n, String mac, Instant expires, Instant now) {
        try {
            writer.execute(() -> {
                try {
                    if (store.claim(address.getHostAddress(), n, mac, "bound", expires, now)) {
                        LeaseTable.Entry e = table.get(n);
                        if (e != null && mac.equals(e.mac()) && e.expires().equals(expires)) {
                            table.put(n, mac, "bound", expires, expires, true);
                        }
                    }
                } catch (RuntimeException ex) {
                    storeFailed(ex);
                }
            });
        } catch (RejectedExecutionException ex) {
            warnings.warn("later", "DHCP: renewal writes behind; the stored expiry of {} stays as it was", address.getHostAddress());
        }
    }

    /** One caller at a time probes a database that just failed; the others answer at once. */
    private boolean mayTryStore() {
        if (retryAt == 0) {
            return true;
        }
        return System.nanoTime() - retryAt >= 0 && probing.compareAndSet(false, true);
    }

    private void storeWorked() {
        if (retryAt != 0) {
            retryAt = 0;
            probing.set(false);
            log.info("DHCP lease database writable again");
        }
    }

    private void storeFailed(RuntimeException e) {
        retryAt = System.nanoTime() + RETRY_NANOS;
        probing.set(false);
        warnings.warn("store", "DHCP cannot store leases ({}); new bindings get no answer until the database is back",
                e.toString());
    }

    /** True when the table has a lease for {@code address}, whoever holds it. */
    public boolean known(InetAddress address) {
        return table.get(Pool.toLong(address)) != null;
    }

    public void release(String mac, InetAddress address) {
        long n = Pool.toLong(address);
        LeaseTable.Entry e = table.get(n);
        if (e == null || !mac.equals(e.mac())) {
            return;
        }
        Instant now = clock.instant();
        table.put(n, mac, "released", now, null, false);
        try {
            store.release(address.getHostAddress(), mac, now);
        } catch (RuntimeException ex) {
            storeFailed(ex);
        }
    }

    /** A client saw this address in use (DECLINE): nobody gets it until the quarantine ends. */
    public void decline(InetAddress address) {
        long n = Pool.toLong(address);
        Instant until = clock.instant().plus(quarantine);
        table.put(n, null, "declined", until, null, false);
        try {
            store.quarantine(address.getHostAddress(), n, until);
        } catch (RuntimeException ex) {
            storeFailed(ex);
        }
    }

    @Override
    public void close() {
        reloader.shutdownNow();
        inserts.close();
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
