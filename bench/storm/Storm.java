import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Boot storm generator: plays N network-booting machines with real packets, one thread per machine
 * (see {@link Machine}). All machines start within the first --spread seconds, a power-on storm. TFTP and
 * HTTP leave from this namespace's own address (one host plays all machines), which is why the appliance
 * runs with a high --tftp-max-per-client.
 *
 * <pre>
 *   Storm hosts --api URL --n N --kernel-url U --initrd-url U [--group G]   register N hosts with the appliance
 *   Storm reservations --n N --first-address IP       dnsmasq dhcp-host lines, one address per machine
 *   Storm run --n N --server IP --kernel FILE --initrd FILE --loader NAME=FILE... --out FILE.json [--label L]
 * </pre>
 *
 * It is Java rather than Python because the storm shares two cores with the stack under test: the Python
 * generator took 85-92 of a storm's 100 CPU-seconds, so the runs compared the generator with itself more
 * than the stacks (docs/BENCHMARKS.md finding 35).
 */
public final class Storm {
    public static void main(String[] argv) throws Exception {
        Map<String, List<String>> a = options(argv);
        String cmd = argv.length > 0 ? argv[0] : "";
        int n = Integer.parseInt(one(a, "n", null)), first = Integer.parseInt(one(a, "first", "1"));
        switch (cmd) {
            case "hosts" -> hosts(a, n, first);
            case "reservations" -> reservations(one(a, "first-address", null), n, first);
            case "run" -> run(a, n, first);
            default -> throw new IllegalArgumentException("usage: Storm hosts|reservations|run --n N ...");
        }
    }

    private static void run(Map<String, List<String>> a, int n, int first) throws Exception {
        Map<String, Long> loaders = new HashMap<>();
        for (String spec : a.getOrDefault("loader", List.of())) {
            String[] kv = spec.split("=", 2);
            loaders.put(kv[0], crc(Path.of(kv[1])));
        }
        long drops0 = udpReceiveBufferErrors();
        long t0 = System.nanoTime() + 1_000_000_000L;
        Machine.Shared storm = new Machine.Shared(new DhcpClient(), one(a, "server", null),
                Double.parseDouble(one(a, "spread", "1.0")), loaders, crc(Path.of(one(a, "kernel", null))),
                crc(Path.of(one(a, "initrd", null))), t0);
        List<Machine> machines = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            Machine m = new Machine(i, storm);
            machines.add(m);
            threads.add(new Thread(null, m, "machine-" + i, 256 << 10));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        String summary = summary(one(a, "label", "storm"), machines, wall, cpu, udpReceiveBufferErrors() - drops0);
        StringBuilder out = new StringBuilder("{\"summary\": ").append(summary).append(", \"machines\": [\n");
        for (int i = 0; i < machines.size(); i++) out.append(i > 0 ? ",\n" : "").append(record(machines.get(i)));
        Files.writeString(Path.of(one(a, "out", null)), out.append("]}\n"));
        System.out.println(summary);
        machines.stream().filter(m -> m.error != null).limit(10)
                .forEach(m -> System.err.println("  failed " + m.uuid + ": " + m.error));
    }

    private static String summary(String label, List<Machine> machines, double wall, double cpu, long drops) {
        double seconds = machines.stream().mapToDouble(m -> m.done).max().orElse(0);
        StringBuilder steps = new StringBuilder();
        for (String step : Machine.STEPS) {
            double[] v = machines.stream().filter(m -> m.steps.containsKey(step)).mapToDouble(m -> m.steps.get(step))
                    .sorted().toArray();
            steps.append(steps.length() > 0 ? ", " : "").append(Json.str(step)).append(": {\"p50\": ")
                    .append(percentile(v, 50)).append(", \"p99\": ").append(percentile(v, 99))
                    .append(", \"n\": ").append(v.length).append('}');
        }
        return "{\"label\": " + Json.str(label) + ", \"machines\": " + machines.size() + ", \"failures\": "
                + machines.stream().filter(m -> m.error != null).count() + ", \"seconds\": " + Json.num(seconds)
                + ", \"wall\": " + Json.num(wall) + ", \"generator_cpu\": " + Json.num(cpu)
                + ", \"udp_receive_buffer_errors\": " + drops + ", \"steps\": {" + steps + "}}";
    }

    private static String record(Machine m) {
        StringBuilder steps = new StringBuilder();
        m.steps.forEach((k, v) -> steps.append(steps.length() > 0 ? ", " : "").append(Json.str(k)).append(": ").append(Json.num(v)));
        StringBuilder r = new StringBuilder("{\"i\": " + m.index + ", \"mac\": " + Json.str(hexColons(m.mac))
                + ", \"uuid\": " + Json.str(m.uuid) + ", \"arch\": " + m.arch + ", \"steps\": {" + steps + "}"
                + ", \"error\": " + Json.str(m.error));
        if (m.start >= 0) r.append(", \"start\": ").append(Json.num(m.start));
        if (m.address != null) r.append(", \"address\": ").append(Json.str(m.address));
        if (m.bootfile != null) r.append(", \"bootfile\": ").append(Json.str(m.bootfile));
        if (m.tftpBytes > 0) r.append(", \"tftp_bytes\": ").append(m.tftpBytes);
        if (m.done >= 0) r.append(", \"done\": ").append(Json.num(m.done));
        return r.append('}').toString();
    }

    private static String percentile(double[] sorted, int p) {
        if (sorted.length == 0) return "null";
        return Json.num(sorted[(int) Math.min(sorted.length - 1, Math.round(p / 100.0 * (sorted.length - 1)))]);
    }

    /** This namespace's count of UDP datagrams dropped for a full socket buffer (the generator's own losses). */
    private static long udpReceiveBufferErrors() throws IOException {
        List<String[]> rows = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                .filter(l -> l.startsWith("Udp:")).map(l -> l.split("\\s+")).toList();
        return Long.parseLong(rows.get(1)[List.of(rows.get(0)).indexOf("RcvbufErrors")]);
    }

    private static long crc(Path file) throws IOException {
        CRC32C c = new CRC32C();
        c.update(Files.readAllBytes(file));
        return c.getValue();
    }

    private static void hosts(Map<String, List<String>> a, int n, int first) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String api = one(a, "api", null), group = one(a, "group", "storm");
        post(client, api + "/groups/" + group, "{\"groups\": [\"default\"], \"kernel\": " + Json.str(one(a, "kernel-url", null))
                + ", \"module\": " + Json.str(one(a, "initrd-url", null)) + "}");
        for (int i = first; i < first + n; i++) {
            post(client, api + "/hosts/" + Machine.uuid(i), "{\"groups\": [" + Json.str(group) + "], \"ipxe_script\": \"linux.ipxe\"}");
        }
    }

    private static void post(HttpClient client, String url, String json) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IOException("POST " + url + ": " + r.statusCode() + " " + r.body());
    }

    /** dnsmasq dhcp-host lines giving machine i its own address: the reference stack's best case. */
    private static void reservations(String firstAddress, int n, int first) throws Exception {
        int base = java.nio.ByteBuffer.wrap(java.net.InetAddress.getByName(firstAddress).getAddress()).getInt();
        for (int i = first; i < first + n; i++) {
            byte[] ip = java.nio.ByteBuffer.allocate(4).putInt(base + i - first).array();
            System.out.println(hexColons(Machine.mac(i)) + "," + java.net.InetAddress.getByAddress(ip).getHostAddress());
        }
    }

    private static String hexColons(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(sb.length() > 0 ? ":" : "").append(String.format("%02x", x));
        return sb.toString();
    }

    private static Map<String, List<String>> options(String[] argv) {
        Map<String, List<String>> m = new HashMap<>();
        for (int i = 1; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 == argv.length) throw new IllegalArgumentException("bad argument " + argv[i]);
            m.computeIfAbsent(argv[i].substring(2), k -> new ArrayList<>()).add(argv[++i]);
        }
        return m;
    }

    private static String one(Map<String, List<String>> a, String name, String dflt) {
        List<String> v = a.get(name);
        if (v != null) return v.get(v.size() - 1);
        if (dflt == null) throw new IllegalArgumentException("--" + name + " is required");
        return dflt;
    }

    static final class Json {
        static String str(String s) {
            if (s == null) return "null";
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') sb.append('\\').append(c);
                else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
            return sb.append('"').toString();
        }

        static String num(double d) {
            return String.format(java.util.Locale.ROOT, "%.4f", d);
        }
    }
}
