package org.bergenholm.dhcp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bergenholm.store.LeaseStore;

/**
 * Stores new bindings in batches: the workers waiting to acknowledge a new address hand their
 * lease to one writer thread, which inserts everything queued in one database command. Under a
 * storm that is one round trip per batch instead of one per client; alone, a lease is written
 * at once. Each answer still waits for its own outcome, but no thread waits with it: the
 * answer is sent when the batch completes, so the DHCP workers keep answering meanwhile.
 */
final class GroupCommit implements AutoCloseable {
    private static final int MAX_BATCH = 256;
    /** How long stopping waits for a batch in flight; the driver's own timeouts end a stuck one. */
    private static final long STOP_MILLIS = 5_000;

    private record Pending(LeaseStore.Lease lease, CompletableFuture<Boolean> outcome) {
    }

    private final LeaseStore store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    GroupCommit(LeaseStore store) {
        this.store = store;
        this.writer = new Thread(this::run, "lease-commit");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Completes with true when the lease's document was created, false when the address has a document already,
     * exceptionally when the database failed. Completed on the commit thread: what callers chain to it runs there and
     * holds back the next batch while it runs, so it must be short.
     */
    CompletableFuture<Boolean> insert(LeaseStore.Lease lease) {
        Pending p = new Pending(lease, new CompletableFuture<>());
        if (!running) {
            p.outcome().completeExceptionally(new IllegalStateException("DHCP stopping"));
            return p.outcome();
        }
        queue.add(p);
        return p.outcome();
    }

    /** Leases waiting for their batch. */
    int backlog() {
        return queue.size();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(250, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        try {
            boolean[] inserted = store.insertAll(batch.stream().map(Pending::lease).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).outcome().complete(inserted[i]);
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.outcome().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        running = false;
        writer.interrupt();
        try {
            // Outcomes complete (and answers go out) on the writer: it is done before the server closes its sockets.
            writer.join(STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.forEach(p -> p.outcome().completeExceptionally(new IllegalStateException("DHCP stopping")));
    }
}
