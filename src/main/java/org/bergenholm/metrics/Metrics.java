package org.bergenholm.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bergenholm.store.Database;
import org.bergenholm.tftp.TftpCounters;

/**
 * The Prometheus registry behind `GET /metrics`. Servers keep their own plain counters (so
 * they stay free of Micrometer); they are bound here, read at scrape time.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter imageBytes = registry.counter("bergenholm.images.bytes");
    private final Set<String> boundCommands = new HashSet<>();
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> imageRequests = new ConcurrentHashMap<>();
    private Database database;

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public synchronized String scrape() {
        bindNewCommands();
        return registry.scrape();
    }

    /** One HTTP request, labelled by a route name of bounded cardinality. */
    public void httpRequest(String method, String route, int status, long nanos) {
        // Built once per label set: Micrometer's builder and registry lookup per request cost more than the recording.
        requestTimers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> requestTimer(method, route, status))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer requestTimer(String method, String route, int status) {
        return Timer.builder("bergenholm.http.requests")
                .description("HTTP requests by route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofMillis(500))
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    public void bindTftp(TftpCounters counters) {
        counter("bergenholm.tftp.transfers", "completed TFTP transfers", counters.transfers());
        counter("bergenholm.tftp.bytes", "bytes sent by completed TFTP transfers", counters.bytes());
        counter("bergenholm.tftp.errors", "TFTP requests refused and transfers failed", counters.errors());
        counter("bergenholm.tftp.retransmits", "TFTP packets sent again after a timeout or a repeated ACK", counters.retransmits());
    }

    /** Database latency per command name; names are bound as they first appear, at scrape time. */
    public void bindDatabase(Database database) {
        this.database = database;
    }

    private void bindNewCommands() {
        if (database == null) {
            return;
        }
        database.commandTotals().forEach((name, totals) -> {
            if (boundCommands.add(name)) {
                FunctionTimer.builder("bergenholm.db.commands", totals, t -> t.count().sum(), t -> t.nanos().sum(), TimeUnit.NANOSECONDS)
                        .description("database commands and the time they took")
                        .tag("command", name).register(registry);
                FunctionCounter.builder("bergenholm.db.command.failures", totals, t -> t.failures().sum())
                        .description("database commands that failed").tag("command", name).register(registry);
            }
        });
    }

    public void bindDhcp(org.bergenholm.dhcp.DhcpCounters c) {
        packets("received", c.received());
        packets("malformed", c.malformed());
        packets("ignored", c.ignored());
        packets("dropped", c.dropped());
        packets("error", c.errors());
        for (var type : java.util.Map.of("offer", c.offers(), "ack", c.acks(), "nak", c.naks(),
                "decline", c.declines(), "release", c.releases()).entrySet()) {
            FunctionCounter.builder("bergenholm.dhcp.messages", type.getValue(), AtomicLong::get)
                    .description("DHCP messages sent (offer, ack, nak) and received (decline, release)")
                    .tag("type", type.getKey()).register(registry);
        }
    }

    private void packets(String outcome, AtomicLong value) {
        FunctionCounter.builder("bergenholm.dhcp.packets", value, AtomicLong::get)
                .description("DHCP packets received, by what became of them").tag("outcome", outcome).register(registry);
    }

    /** Leases bound now in each pool, counted in the database at scrape time. */
    public void bindLeases(java.util.List<org.bergenholm.dhcp.Pool> pools, org.bergenholm.store.LeaseStore leases) {
        for (org.bergenholm.dhcp.Pool pool : pools) {
            long first = org.bergenholm.dhcp.Pool.toLong(pool.first());
            long last = org.bergenholm.dhcp.Pool.toLong(pool.last());
            io.micrometer.core.instrument.Gauge.builder("bergenholm.dhcp.leases.in.use",
                            () -> leases.boundCount(first, last, java.time.Instant.now()))
                    .description("addresses bound to a client now")
                    .tag("pool", pool.first().getHostAddress() + "-" + pool.last().getHostAddress()).register(registry);
        }
    }

    public void bindImageEvictions(AtomicLong evictions) {
        counter("bergenholm.images.evictions", "cached images evicted to stay under images-cache-max", evictions);
    }

    /**
     * The timeline, counted on its way: image transfers (by cache hit, miss, mirror, failure, and
     * bytes) and power operations (by driver, operation and result) are events already.
     */
    public org.bergenholm.events.EventLog counting(org.bergenholm.events.EventLog inner) {
        return (hostId, step, details) -> {
            if (step.startsWith("power ")) {
                registry.counter("bergenholm.power.operations", "driver", String.valueOf(details.get("driver")),
                        "operation", step.substring(6), "result", details.containsKey("error") ? "error" : "ok").increment();
            } else if (step.startsWith("kernel ") || step.startsWith("initrd ")) {
                boolean served = step.endsWith(" served");
                imageRequests.computeIfAbsent(served ? String.valueOf(details.get("cache")) : "failed",
                        cache -> registry.counter("bergenholm.images.requests", "cache", cache)).increment();
                if (served && details.get("bytes") instanceof Number bytes) {
                    imageBytes.increment(bytes.doubleValue());
                }
            }
            inner.record(hostId, step, details);
        };
    }

    public void counter(String name, String description, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::get).description(description).register(registry);
    }
}
