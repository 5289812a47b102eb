package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Debian's ipmi_sim on a free loopback port, started with ../shared/sim/ipmi/start.sh. */
public final class IpmiSimulator implements AutoCloseable {
    /** The simulator scripts, found beside the project as CI lays it out. */
    static final Path SCRIPTS = Path.of("").toAbsolutePath().resolveSibling("shared").resolve("sim").resolve("ipmi");

    private final Path state;
    private final int port;
    private final String pid;

    public IpmiSimulator(Path state) throws IOException, InterruptedException {
        this.state = state;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        pid = run(List.of(SCRIPTS.resolve("start.sh").toString(), String.valueOf(port), state.toString())).trim();
    }

    public int port() {
        return port;
    }

    public String file(String name) throws IOException {
        return Files.readString(state.resolve(name), StandardCharsets.UTF_8).trim();
    }

    /** Driver parameters for this BMC (user admin, password secret as in lan.conf). */
    public Map<String, Object> params() {
        Map<String, Object> params = new HashMap<>();
        params.put("power_driver", "ipmi");
        params.put("ipmi_host", "127.0.0.1");
        params.put("ipmi_port", port);
        params.put("ipmi_user", "admin");
        params.put("ipmi_password", "secret");
        return params;
    }

    /** ipmitool's view, a second real client. */
    public String ipmitool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("ipmitool", "-I", "lanplus", "-H", "127.0.0.1",
                "-p", String.valueOf(port), "-U", "admin", "-P", "secret", "-C", "3"));
        command.addAll(List.of(args));
        return run(command);
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        assertEquals(0, p.exitValue(), () -> command + " failed: " + out);
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of(SCRIPTS.resolve("stop.sh").toString(), pid));
    }
}
