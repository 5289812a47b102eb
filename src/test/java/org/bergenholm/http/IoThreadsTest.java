package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** The HTTP server runs one I/O thread per two cores (at least one), not Undertow's one per core. */
class IoThreadsTest {
    private static final Pattern IO_THREAD = Pattern.compile("(XNIO-\\d+) I/O-\\d+");

    @Test
    void serverRunsOneIoThreadPerTwoCores() throws Exception {
        Set<String> before = ioThreads();
        try (TestServer server = TestServer.start()) {
            assertEquals(200, server.get("/api/1.0/hosts/").status());
            Set<String> started = ioThreads();
            started.removeAll(before);
            // Only this server's worker started I/O threads since: all of them carry its name.
            Set<String> workers = started.stream().map(IoThreadsTest::worker).collect(Collectors.toSet());
            assertEquals(1, workers.size(), started.toString());
            int expected = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
            assertEquals(expected, started.size(), started.toString());
            assertEquals(expected, HttpLimits.ioThreads());
        }
    }

    private static Set<String> ioThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> IO_THREAD.matcher(n).matches()).collect(Collectors.toSet());
    }

    private static String worker(String thread) {
        Matcher m = IO_THREAD.matcher(thread);
        return m.matches() ? m.group(1) : thread;
    }
}
