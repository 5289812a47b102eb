package org.bergenholm.power;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.bergenholm.events.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs power operations: one at a time per host (a BMC or hypervisor given two commands at
 * once may do them in either order), hosts in parallel, each bounded in time, each recorded
 * on the host's timeline as who asked what and how it ended.
 */
public final class PowerService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PowerService.class);

    private final PowerDrivers drivers;
    private final EventLog events;
    private final Duration timeout;
    private final Map<String, ReentrantLock> hostLocks = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "power");
        t.setDaemon(true);
        return t;
    });

    public PowerService(PowerDrivers drivers, EventLog events, Duration timeout) {
        this.drivers = drivers;
        this.events = events;
        this.timeout = timeout;
    }

    /**
     * Does {@code operation} on the host and answers its power state afterwards (for on, off and
     * reset, the state asked for). Waits at most the timeout, including time spent behind an
     * earlier operation on the same host.
     */
    public PowerState run(String hostId, Map<String, Object> params, PowerOperation operation, String who) throws PowerException {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("who", who);
        details.put("driver", String.valueOf(params.get("power_driver")));
        try {
            PowerDriver driver = drivers.forParams(params);
            PowerState state = bounded(hostId, () -> apply(driver, hostId, params, operation));
            details.put("result", state.json());
            log.info("power {} host {} by {} via {}: {}", operation.json(), hostId, who, driver.name(), state.json());
            return state;
        } catch (PowerException e) {
            details.put("error", e.getMessage());
            log.warn("power {} host {} by {}: {}", operation.json(), hostId, who, e.getMessage());
            throw e;
        } finally {
            events.record(hostId, "power " + operation.json(), details);
        }
    }

    private static PowerState apply(PowerDriver driver, String hostId, Map<String, Object> params, PowerOperation operation)
            throws PowerException {
        return switch (operation) {
            case STATUS -> driver.status(hostId, params);
            case ON -> {
                driver.on(hostId, params);
                yield PowerState.ON;
            }
            case OFF -> {
                driver.off(hostId, params);
                yield PowerState.OFF;
            }
            case RESET -> {
                driver.reset(hostId, params);
                yield PowerState.ON;
            }
        };
    }

    /**
     * Runs the work on a worker that holds the host's lock. A caller that gives up cancels the
     * work if it has not begun; work already at the machine keeps the lock until it ends, so the
     * next operation on that host still waits for it.
     */
    private PowerState bounded(String hostId, Work work) throws PowerException {
        ReentrantLock lock = hostLocks.computeIfAbsent(hostId, id -> new ReentrantLock(true));
        Future<PowerState> future = workers.submit(() -> {
            lock.lockInterruptibly();
            try {
                return work.run();
            } finally {
                lock.unlock();
            }
        });
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new PowerException("no answer within " + timeout.toSeconds() + " s", true, null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PowerException("interrupted", false, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PowerException p) {
                throw p;
            }
            throw new PowerException("driver failed: " + e.getCause(), false, null);
        }
    }

    @FunctionalInterface
    private interface Work {
        PowerState run() throws PowerException;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        for (PowerDriver driver : drivers.all()) {
            if (driver instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("closing power driver {}: {}", driver.name(), e.getMessage());
                }
            }
        }
    }
}
