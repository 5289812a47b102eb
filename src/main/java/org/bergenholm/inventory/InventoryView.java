package org.bergenholm.inventory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bergenholm.store.ParameterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts and groups held in memory for what booting machines ask (DHCP answers, iPXE scripts,
 * kernel and initrd URLs), so that neither a packet nor a boot request waits on the database,
 * and a host's resolved parameters are computed once per change rather than per request. Writes made through this appliance reach the view before the API answers (the
 * stores tell it); writes by another appliance sharing the database, or straight into it, are
 * seen at the next reload, at most {@code refresh} later (5 s in service). mongo-java-server has
 * no change streams, so polling is the one way that works on both databases. While the database
 * is down the view keeps its last state and DHCP keeps answering from it.
 */
public final class InventoryView implements HostLookup, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InventoryView.class);
    /** How stale the view may be with respect to writes this appliance did not make. */
    public static final Duration REFRESH = Duration.ofSeconds(5);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Inventory inventory;
    private final ParameterStore hostStore;
    private final ParameterStore groupStore;
    private final ParameterResolver resolver;
    private final Consumer<String> hostWritten = this::hostWritten;
    private final Consumer<String> groupWritten = this::groupWritten;
    private final ScheduledExecutorService reloader;
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
    private volatile InventorySnapshot snapshot;
    /** A preparation of scripts is queued and has not begun: changes meanwhile need no other. */
    private final java.util.concurrent.atomic.AtomicBoolean preparationQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /** The last pass ended early (or is under way). */
    private volatile boolean preparationIncomplete;
    /** Writes seen while a reload reads the database, replayed onto what it read; null when no reload runs. */
    private List<Runnable> duringReload;

    public InventoryView(Inventory inventory, Duration refresh) {
        this.inventory = inventory;
        this.hostStore = inventory.hosts();
        this.groupStore = inventory.groups();
        this.resolver = new ParameterResolver(inventory.renderer());
        this.snapshot = new InventorySnapshot(Map.of(), Map.of(), resolver);
        hostStore.addWriteListener(hostWritten);
        groupStore.addWriteListener(groupWritten);
        reload();
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "inventory-view");
            t.setDaemon(true);
            return t;
        });
        reloader.scheduleWithFixedDelay(this::reload, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        prepareSoon();
    }

    /** Reads all hosts and groups; on failure keeps what it had. */
    void reload() {
        synchronized (this) {
            duringReload = new ArrayList<>();
        }
        try {
            Map<String, Map<String, Object>> groups = groupStore.all();
            Map<String, Map<String, Object>> hosts = hostStore.all();
            synchronized (this) {
                if (!snapshot.holds(hosts, groups)) {
                    snapshot = new InventorySnapshot(hosts, groups, resolver);
                    prepareSoon();
                } else if (preparationIncomplete) {
                    prepareSoon();
                }
                duringReload.forEach(Runnable::run);
            }
        } catch (RuntimeException e) {
            // Only the reload thread gets here, every few seconds while the database is down: one line a minute is enough.
            if (System.nanoTime() - lastWarning > WARN_EVERY_NANOS) {
                lastWarning = System.nanoTime();
                log.warn("inventory view: cannot reload from the database, answering from the last copy: {}", e.toString());
            }
        } finally {
            synchronized (this) {
                duringReload = null;
            }
        }
    }

    private void hostWritten(String id) {
        apply(() -> hostStore.get(id), (s, params) -> s.withHost(id, params));
    }

    private void groupWritten(String name) {
        apply(() -> groupStore.get(name), (s, params) -> s.withGroup(name, params));
    }

    private void apply(java.util.function.Supplier<Optional<Map<String, Object>>> read,
            java.util.function.BiFunction<InventorySnapshot, Map<String, Object>, InventorySnapshot> change) {
        Map<String, Object> params;
        try {
            params = read.get().orElse(null);
        } catch (RuntimeException e) {
            return; // the write itself succeeded a moment ago; the next reload brings it
        }
        Runnable update = () -> snapshot = change.apply(snapshot, params);
        synchronized (this) {
            update.run();
            if (duringReload != null) {
                duringReload.add(update);
            }
        }
        prepareSoon();
    }

    /**
     * Queues a pass that resolves every host and renders its iPXE script ahead of its boot, on the
     * view's own thread: after a change, not per request. Hosts whose script still holds cost a lookup.
     */
    private void prepareSoon() {
        ScheduledExecutorService executor = reloader;
        if (executor != null && preparationQueued.compareAndSet(false, true)) {
            try {
                executor.execute(this::prepare);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                preparationQueued.set(false); // closed
            }
        }
    }

    /**
     * One pass over the hosts; returns how many it went through. A template that fails is the host's
     * request's to report; any other failure (the database gone: each template read would wait for
     * it) ends the pass, and the next reload that reaches the database starts another.
     */
    int prepare() {
        preparationQueued.set(false);
        preparationIncomplete = true;
        int done = 0;
        for (String id : snapshot.hostIds()) {
            if (Thread.currentThread().isInterrupted()) {
                return done; // closed
            }
            done++;
            try {
                inventory.prepareBootScript(id, this);
            } catch (org.bergenholm.render.TemplateException e) {
                // This host's request renders it again and reports it.
            } catch (RuntimeException e) {
                return done;
            }
        }
        preparationIncomplete = false;
        return done;
    }

    /** The script kept for this host, rendered ahead or at its last request. */
    Optional<String> heldScript(String hostId) {
        return snapshot.heldScript(hostId);
    }

    /** A host's resolved parameters if they are computed already: what {@link #resolve} gives without resolving. */
    Optional<Map<String, Object>> resolvedAtHand(String hostId) {
        return snapshot.resolvedAtHand(hostId);
    }

    /** See {@link InventorySnapshot#held}. */
    Optional<String> held(String hostId, Map<String, Object> params, String template, String source) {
        return snapshot.held(hostId, params, template, source);
    }

    /** See {@link InventorySnapshot#rendered}. */
    String rendered(String hostId, Map<String, Object> params, String template, String source, java.util.function.Supplier<String> render) {
        return snapshot.rendered(hostId, params, template, source, render);
    }

    @Override
    public Optional<Map<String, Object>> resolve(String hostId) {
        return snapshot.resolve(hostId);
    }

    /** A host's stored (unresolved) parameters, as last read or written. */
    public Optional<Map<String, Object>> stored(String hostId) {
        return snapshot.host(hostId);
    }

    /** The stored groups of these names that exist. */
    public Map<String, Map<String, Object>> groups(java.util.Collection<String> names) {
        return snapshot.groups(names);
    }

    @Override
    public Optional<String> hostIdByMac(String mac) {
        return Optional.ofNullable(snapshot.byMac().get(mac));
    }

    @Override
    public Optional<String> hostIdByAddress(String ipv4) {
        return Optional.ofNullable(snapshot.byAddress().get(ipv4));
    }

    @Override
    public void close() {
        reloader.shutdownNow();
        hostStore.removeWriteListener(hostWritten);
        groupStore.removeWriteListener(groupWritten);
    }
}
