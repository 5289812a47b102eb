package org.bergenholm.power;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.vmware.vim25.mo.ServiceInstance;
import com.vmware.vim25.mo.VirtualMachine;

/** vcsim-lite from ../shared/sim/vcsim (govmomi's simulator) over HTTPS with its self-signed certificate. */
public final class VcsimLite implements AutoCloseable {
    static final Path SOURCES = Path.of("").toAbsolutePath().resolveSibling("shared").resolve("sim").resolve("vcsim");
    private static final Path BINARY = Path.of("target", "vcsim-lite").toAbsolutePath();

    private final Process process;
    /** The simulator's datastore folders (govcsim-*), in TMPDIR: they would otherwise stay in /tmp after every run. */
    private final Path scratch;
    private final int port;
    private final List<String> uuids = new ArrayList<>();

    public VcsimLite() throws IOException, InterruptedException {
        build();
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        scratch = Files.createTempDirectory("vcsim-lite");
        ProcessBuilder simulator = new ProcessBuilder(BINARY.toString(), "-port", String.valueOf(port), "-vms", "2", "-tls")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        simulator.environment().put("TMPDIR", scratch.toString());
        process = simulator.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); !"READY".equals(line); line = out.readLine()) {
            if (line == null) {
                throw new IOException("vcsim-lite exited before READY");
            }
            if (line.startsWith("VM ")) {
                uuids.add(line.split(" ")[2]);
            }
        }
    }

    /** Built once per checkout with Debian's Go and govmomi (build.sh); a missing toolchain fails the test. */
    private static synchronized void build() throws IOException, InterruptedException {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        Process p = new ProcessBuilder(SOURCES.resolve("build.sh").toString(), BINARY.toString()).inheritIO().start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("building vcsim-lite failed (needs golang-go golang-github-vmware-govmomi-dev)");
        }
    }

    public List<String> uuids() {
        return uuids;
    }

    public Map<String, Object> params() {
        Map<String, Object> params = new HashMap<>();
        params.put("power_driver", "vmware");
        params.put("vmware_host", "127.0.0.1");
        params.put("vmware_port", port);
        params.put("vmware_user", "user");
        params.put("vmware_password", "pass");
        params.put("vmware_insecure", true);
        return params;
    }

    /** The simulator's view of a VM through a separate client session. */
    public VmView view(String uuid) throws Exception {
        ServiceInstance si = new ServiceInstance(new URL("https://127.0.0.1:" + port + "/sdk"), "user", "pass",
                new TrustEveryCertificate(), 5000, 5000);
        try {
            VirtualMachine vm = (VirtualMachine) si.getSearchIndex().findByUuid(null, uuid, true);
            Map<String, Object> extra = new HashMap<>();
            for (var option : vm.getConfig().getExtraConfig()) {
                extra.put(option.getKey(), option.getValue());
            }
            return new VmView(vm.getRuntime().getPowerState().name(), extra);
        } finally {
            si.getServerConnection().logout();
        }
    }

    /** Power state name and extraConfig of one VM. */
    public record VmView(String powerState, Map<String, Object> extraConfig) {
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        try (var files = Files.walk(scratch)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
