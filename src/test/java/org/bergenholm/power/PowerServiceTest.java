package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bergenholm.events.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class PowerServiceTest {
    private final List<String> timeline = new CopyOnWriteArrayList<>();
    private final EventLog events = (host, step, details) -> timeline.add(host + " " + step + " " + details);

    /**
     * Takes {@code millis} per operation (the {@code millis} parameter wins), deaf to interrupts
     * like a blocking call into a BMC library, and counts how many run at once, per host and overall.
     */
    private static final class SlowDriver implements PowerDriver {
        final long millis;
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final Map<String, AtomicInteger> perHost = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger maxPerHost = new AtomicInteger();

        SlowDriver(long millis) {
            this.millis = millis;
        }

        @Override
        public String name() {
            return "slow";
        }

        @Override
        public PowerState status(String hostId, Map<String, Object> params) throws PowerException {
            AtomicInteger host = perHost.computeIfAbsent(hostId, h -> new AtomicInteger());
            maxPerHost.accumulateAndGet(host.incrementAndGet(), Math::max);
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            long until = System.nanoTime() + Long.parseLong(params.getOrDefault("millis", millis).toString()) * 1_000_000;
            try {
                while (System.nanoTime() < until) {
                    java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
                }
            } finally {
                running.decrementAndGet();
                host.decrementAndGet();
            }
            return PowerState.ON;
        }

        @Override
        public void on(String hostId, Map<String, Object> params) throws PowerException {
            status(hostId, params);
        }

        @Override
        public void off(String hostId, Map<String, Object> params) throws PowerException {
            status(hostId, params);
        }

        @Override
        public void reset(String hostId, Map<String, Object> params) throws PowerException {
            status(hostId, params);
        }
    }

    private static final Map<String, Object> SLOW = Map.of("power_driver", "slow");

    @Test
    void oneHostSerialisedDifferentHostsInParallel() throws Exception {
        SlowDriver slow = new SlowDriver(300);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (PowerService service = new PowerService(new PowerDrivers(slow), events, Duration.ofSeconds(10))) {
            long start = System.nanoTime();
            List<Future<PowerState>> calls = List.of(
                    callers.submit(() -> service.run("a", SLOW, PowerOperation.ON, "api")),
                    callers.submit(() -> service.run("a", SLOW, PowerOperation.RESET, "api")),
                    callers.submit(() -> service.run("b", SLOW, PowerOperation.ON, "api")),
                    callers.submit(() -> service.run("b", SLOW, PowerOperation.OFF, "api")));
            for (Future<PowerState> call : calls) {
                call.get();
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, slow.maxPerHost.get(), "never two operations on one host at once");
            assertEquals(2, slow.maxRunning.get(), "hosts a and b ran side by side");
            assertTrue(millis >= 600 && millis < 1100, "two rounds of 300 ms, took " + millis);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void slowOperationTimesOutAndTheNextWaitsForIt() throws Exception {
        SlowDriver slow = new SlowDriver(1500);
        try (PowerService service = new PowerService(new PowerDrivers(slow), events, Duration.ofMillis(500))) {
            long start = System.nanoTime();
            PowerException first = assertThrows(PowerException.class, () -> service.run("h", SLOW, PowerOperation.ON, "api"));
            assertTrue(first.isTimeout());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "the caller is answered at the bound");
            Map<String, Object> quick = Map.of("power_driver", "slow", "millis", 10);
            PowerException second = assertThrows(PowerException.class, () -> service.run("h", quick, PowerOperation.OFF, "api"));
            assertTrue(second.isTimeout(), "a quick operation still waits behind the first, which holds the machine");
            assertEquals(PowerState.ON, service.run("other", quick, PowerOperation.STATUS, "api"), "other hosts are not held up");
            Thread.sleep(1000);
            assertEquals(PowerState.OFF, service.run("h", quick, PowerOperation.OFF, "api"), "once the first ends, the host is free");
            assertEquals(1, slow.maxPerHost.get());
            assertTrue(timeline.get(0).contains("error=no answer within"), timeline.get(0));
        }
    }

    @Test
    void eachOperationIsOneEventWithWhoWhatAndResult() throws Exception {
        try (PowerService service = new PowerService(new PowerDrivers(new DummyPowerDriver()), events, Duration.ofSeconds(5))) {
            Map<String, Object> dummy = Map.of("power_driver", "dummy");
            assertEquals(PowerState.ON, service.run("h", dummy, PowerOperation.ON, "alice"));
            assertEquals(PowerState.ON, service.run("h", dummy, PowerOperation.STATUS, "api"));
            assertThrows(PowerParameterException.class, () -> service.run("h", Map.of("power_driver", "warp"), PowerOperation.OFF, "api"));
            assertEquals(List.of(
                    "h power on {who=alice, driver=dummy, result=on}",
                    "h power status {who=api, driver=dummy, result=on}",
                    "h power off {who=api, driver=warp, error=unknown power_driver 'warp'; known: [dummy]}"), timeline);
        }
    }

    @Test
    void missingDriverOrParameterIsAParameterError() throws Exception {
        try (PowerService service = new PowerService(new PowerDrivers(new IpmiPowerDriver(Duration.ofSeconds(1))), events,
                Duration.ofSeconds(5))) {
            assertThrows(PowerParameterException.class, () -> service.run("h", Map.of(), PowerOperation.STATUS, "api"));
            PowerException e = assertThrows(PowerParameterException.class,
                    () -> service.run("h", Map.of("power_driver", "ipmi", "ipmi_user", "admin"), PowerOperation.STATUS, "api"));
            assertEquals("missing parameter ipmi_host", e.getMessage());
        }
    }

    /** Every log line written while {@code work} runs, from any logger, at the configured levels. */
    private static List<String> logLines(Check work) throws Exception {
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        captured.start();
        root.addAppender(captured);
        try {
            work.run();
        } finally {
            root.detachAppender(captured);
        }
        List<String> lines = new java.util.ArrayList<>();
        for (ILoggingEvent line : captured.list) {
            lines.add(line.getFormattedMessage());
            for (var t = line.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        return lines;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    @Test
    void ipmiPasswordNeverInLogsEventsOrErrors(@TempDir Path state) throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        List<String> lines = logLines(() -> {
            try (IpmiSimulator bmc = new IpmiSimulator(state);
                    PowerService service = new PowerService(new PowerDrivers(new IpmiPowerDriver(Duration.ofSeconds(3))), events,
                            Duration.ofSeconds(5))) {
                Map<String, Object> wrong = bmc.params();
                wrong.put("ipmi_password", "Pw-7f3e9a");
                PowerException e = assertThrows(PowerException.class, () -> service.run("h", wrong, PowerOperation.ON, "api"));
                assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
                errors.add(e.getMessage());
                assertEquals(PowerState.ON, service.run("h", bmc.params(), PowerOperation.ON, "api"));
            }
        });
        assertTrue(lines.stream().anyMatch(l -> l.contains("power on host h")), "the operations were logged: " + lines);
        for (String text : concat(lines, errors, timeline)) {
            assertFalse(text.contains("Pw-7f3e9a") || text.contains("secret"), text);
        }
    }

    /** vcsim-lite takes any password, so this one is accepted: it must still appear nowhere. */
    @Test
    void vmwarePasswordNeverInLogsOrEvents() throws Exception {
        List<String> lines = logLines(() -> {
            try (VcsimLite vcsim = new VcsimLite();
                    PowerService service = new PowerService(new PowerDrivers(new VmwarePowerDriver(Duration.ofSeconds(5))), events,
                            Duration.ofSeconds(10))) {
                Map<String, Object> params = vcsim.params();
                params.put("vmware_password", "Vm-pw-9c1d");
                service.run(vcsim.uuids().get(0), params, PowerOperation.ON, "api");
                params.remove("vmware_insecure");
                PowerException e = assertThrows(PowerException.class,
                        () -> service.run(vcsim.uuids().get(0), params, PowerOperation.STATUS, "api"));
                assertFalse(e.getMessage().contains("Vm-pw-9c1d"));
            }
        });
        assertTrue(lines.stream().anyMatch(l -> l.contains("certificate not trusted")), "the failure was logged: " + lines);
        for (String text : concat(lines, timeline)) {
            assertFalse(text.contains("Vm-pw-9c1d"), text);
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new java.util.ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
