package org.bergenholm.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A socket's kernel buffers as ss(8) shows them, and the net.core sysctls that cap them. */
public final class SocketMemory {
    private SocketMemory() {
    }

    /**
     * The skmem field ({@code rb}: receive buffer, {@code tb}: send buffer) of the first socket that
     * {@code ss -m ARGS} lists; fails the test when ss lists none.
     */
    public static long field(String field, String... ssArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ss", "-m"));
        command.addAll(List.of(ssArgs));
        Process ss = new ProcessBuilder(command).redirectErrorStream(true).start();
        String shown = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ss.waitFor() == 0, shown);
        Matcher m = Pattern.compile("\\b" + field + "(\\d+)").matcher(shown);
        assertTrue(m.find(), "no skmem " + field + " in: " + shown);
        return Long.parseLong(m.group(1));
    }

    /** A value of /proc/sys/net/core, such as rmem_max. */
    public static long netCore(String name) throws IOException {
        // Files.readString trusts the size procfs reports and reads only part of the value.
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/core", name))) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }
}
