package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network segment for real DHCP clients: a bridge in the root namespace carrying
 * 10.77.S.1/24 (the appliance's side) and network namespaces attached to it by veth pairs.
 * Names are unique per run; close() removes everything, and also whatever a crashed earlier
 * run of the same name left (names are random, so that is only ever our own).
 */
final class Lab implements AutoCloseable {
    final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    final int subnet = ThreadLocalRandom.current().nextInt(100, 200);
    final String bridge = "bh" + id + "br";
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    Lab() throws Exception {
        requireTool("/usr/sbin/ip", "iproute2");
        sh("ip", "link", "add", bridge, "type", "bridge");
        sh("ip", "addr", "add", address(1) + "/24", "dev", bridge);
        sh("ip", "link", "set", bridge, "up");
    }

    String address(int host) {
        return "10.77." + subnet + "." + host;
    }

    /** A namespace named bh{id}{name} with interface v{id}{name} on the bridge; address null = unconfigured. */
    Node node(String name, String address) throws Exception {
        String ns = "bh" + id + name;
        String inside = "v" + id + name;
        String outside = "w" + id + name;
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
        sh("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
        sh("ip", "link", "set", inside, "netns", ns);
        sh("ip", "link", "set", outside, "master", bridge, "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "link", "set", inside, "up");
        if (address != null) {
            sh("ip", "-n", ns, "addr", "add", address + "/24", "dev", inside);
        }
        String mac = sh("ip", "-n", ns, "-br", "link", "show", "dev", inside).trim().split("\\s+")[2];
        return new Node(ns, inside, mac);
    }

    record Node(String ns, String iface, String mac) {
        List<String> exec(String... command) {
            List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            c.addAll(List.of(command));
            return c;
        }
    }

    /** Starts a long-running process (a DHCP server in a namespace); killed in close(). */
    Process background(List<String> command, Path log) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    static String sh(String... command) throws Exception {
        return run(List.of(command), 20);
    }

    /** Runs a command to its end and returns its exit status; fails the test only when it hangs. */
    static int status(List<String> command, int seconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command + " did not finish in " + seconds + " s");
        }
        return process.exitValue();
    }

    /** Runs a command to its end; fails the test with its output when it fails or hangs. */
    static String run(List<String> command, int seconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly();
            fail(command + " did not finish in " + seconds + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            fail(command + " failed (" + process.exitValue() + "): " + output);
        }
        return output;
    }

    static void requireTool(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            fail(path + " not found: install the Debian package " + debianPackage + " (apt-get install -y " + debianPackage + ")");
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            killAll(ns);
            quietly("ip", "netns", "del", ns);
        }
        quietly("ip", "link", "del", bridge);
    }

    /** Clients such as dhclient daemonize inside the namespace: end them before the namespace goes. */
    private static void killAll(String ns) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "pids", ns).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            for (String pid : out.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    quietly("kill", "-9", pid);
                }
            }
        } catch (Exception e) {
            // Cleanup continues with the namespace itself.
        }
    }

    private static void quietly(String... command) {
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Best effort: the rest of the cleanup still runs.
        }
    }
}
