package org.bergenholm.dhcp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bergenholm.store.LeaseStore;

/**
 * Stores new bindings in batches: the workers waiting to acknowledge a new address hand their
 * lease to one writer thread, which inserts everything queued in one database command. Under a
 * storm that is one round trip per batch instead of one per client; alone, a lease is written
 * at once. Each worker still waits for its own outcome before it answers.
 */
final class GroupCommit implements AutoCloseable {
    private static final int MAX_BATCH = 256;
    /** Longer than the driver's own timeouts, so that a stuck database surfaces as the driver's error first. */
    private static final long WAIT_SECONDS = 40;

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

    /** True when the lease's document was created; false when the address has a document already. */
    boolean insert(LeaseStore.Lease lease) {
        Pending p = new Pending(lease, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("lease write not done in " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a lease");
        }
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
        queue.forEach(p -> p.outcome().completeExceptionally(new IllegalStateException("DHCP stopping")));
    }
}
