package org.bergenholm.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One boot lab from `appliance/lab/lab.sh`: a namespace with a bridge, the appliance (the
 * real jar) inside it, QEMU guests on taps. Everything is removed on close, also after a
 * failure; the files of a failing lab (consoles, logs) are printed by {@link #dump()}.
 */
final class Lab implements AutoCloseable {
    static final String SERVER = "10.80.0.1";
    static final String API = "http://10.81.0.2/api/1.0";
    private static final Path SCRIPT = Path.of("appliance/lab/lab.sh").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final Path dir;
    private final List<Process> processes = new ArrayList<>();

    Lab(Path dir) throws Exception {
        this.name = "bhlab" + ProcessHandle.current().pid() % 100000;
        this.dir = dir;
        for (String tool : List.of("qemu-system-x86_64", "ip")) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool)) && !Files.isExecutable(Path.of("/usr/sbin", tool))) {
                fail(tool + " missing: run appliance/install-deps --test");
            }
        }
        lab("down");
        lab("up");
    }

    private void lab(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), args[0], name));
        command.addAll(List.of(args).subList(1, args.length));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + out);
        }
    }

    /** Starts a command inside the lab, its output in {@code dir/<log>}. */
    Process start(String log, String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of(SCRIPT.toString(), "run", name));
        all.addAll(List.of(command));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
        processes.add(p);
        return p;
    }

    /** The appliance from target/bergenholm.jar, serving the boot network; waits until it answers. */
    Process appliance(String... serveArgs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", Path.of("target/bergenholm.jar").toAbsolutePath().toString(),
                "serve", "--interface", "br0", "--server-address", SERVER, "--base-url", "http://" + SERVER,
                "--http-port", "80", "--data-dir", dir.resolve("data").toString()));
        command.addAll(List.of(serveArgs));
        Process p = start("appliance.log", command.toArray(String[]::new));
        for (int i = 0; i < 300; i++) {
            if (!p.isAlive()) {
                fail("the appliance exited: " + Files.readString(dir.resolve("appliance.log")));
            }
            try {
                if (get("/hosts/").statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        fail("the appliance did not answer within 30 s");
        return p;
    }

    /** Guest N: bios (e1000 + iPXE ROM) or uefi (OVMF's own PXE); the console goes to vmN.log. */
    Process vm(int n, String firmware, String uuid) throws IOException {
        Path console = dir.resolve("vm" + n + ".log");
        List<String> command = List.of(SCRIPT.toString(), "vm", name, Integer.toString(n), firmware, uuid, console.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("qemu" + n + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(authorized(HttpRequest.newBuilder(URI.create(API + path))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        return HTTP.send(authorized(HttpRequest.newBuilder(URI.create(API + path))).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The appliance runs with authentication on, as `serve` does by default: the test is its administrator. */
    private HttpRequest.Builder authorized(HttpRequest.Builder b) throws IOException {
        Path token = dir.resolve("data").resolve("admin.token");
        return Files.exists(token) ? b.header("Authorization", "Bearer " + Files.readString(token).strip()) : b;
    }

    /** Polls {@code path} until its body satisfies {@code done}; fails naming {@code step} after {@code limit}. */
    String await(String step, Duration limit, String path, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = get(path).body();
                if (done.test(body)) {
                    return body;
                }
            } catch (IOException e) {
                body = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("step did not happen within " + limit.toSeconds() + " s: " + step + "\nlast answer of " + path + ": "
                + body + "\n" + dump());
    }

    /** Every log and console of this lab, for a failure message. */
    String dump() {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                out.append("----- ").append(f.getFileName()).append(" (last 3000 chars)\n")
                        .append(text.substring(Math.max(0, text.length() - 3000))).append('\n');
            }
        } catch (IOException e) {
            out.append("cannot list ").append(dir).append(": ").append(e);
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(25, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        lab("down");
    }
}
