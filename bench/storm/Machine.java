import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * One simulated machine, on a thread of its own, doing what PXE firmware and then iPXE do, in order:
 * <pre>
 *   dhcp_pxe   DISCOVER/REQUEST as PXE firmware (vendor class PXEClient, option 93 arch 0 or 7, option 97 UUID)
 *   tftp       RRQ of the boot file, blksize 1432, lock-step like a PXE ROM
 *   dhcp_ipxe  DISCOVER/REQUEST again as iPXE (user class "iPXE"), same MAC, expects the same address
 *   script     HTTP GET of the script URL the DHCP boot file names (${uuid} replaced)
 *   initrd, kernel  HTTP GET of the URLs on the script's initrd/kernel lines, CRC-32C verified
 * </pre>
 */
final class Machine implements Runnable {
    static final List<String> STEPS = List.of("dhcp_pxe", "tftp", "dhcp_ipxe", "script", "initrd", "kernel");

    /** What every machine of a storm shares: the boot files' checksums by name, the images', the clock's zero. */
    record Shared(DhcpClient dhcp, String server, double spread, Map<String, Long> loaders, long kernel, long initrd,
                 long t0) {}

    final int index;
    final byte[] mac;
    final String uuid;
    final int arch;
    final Map<String, Double> steps = new LinkedHashMap<>();
    double start = -1, done = -1;
    String error, address, bootfile;
    long tftpBytes;
    private final Shared storm;
    private final HttpGet http = new HttpGet(new byte[HttpGet.RECEIVE_BUFFER * 2]);

    Machine(int index, Shared storm) {
        this.index = index;
        this.storm = storm;
        this.mac = mac(index);
        this.uuid = uuid(index);
        this.arch = index % 2 == 0 ? 0 : 7;
    }

    static byte[] mac(int i) {
        return new byte[] {0x02, 0x5B, 0x00, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
    }

    static String uuid(int i) {
        return String.format("5b000000-0000-4000-8000-%012x", i);
    }

    @Override
    public void run() {
        String step = "dhcp_pxe";
        try {
            long at = storm.t0() + (long) (ThreadLocalRandom.current().nextDouble() * storm.spread() * 1e9);
            for (long wait; (wait = at - System.nanoTime()) > 0; ) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            start = since(storm.t0());

            long s = System.nanoTime();
            DhcpClient.Reply ack = storm.dhcp().exchange(mac, arch, uuid, false);
            steps.put(step, since(s));
            address = ack.address();
            bootfile = ack.bootfile();
            if (bootfile.isEmpty()) throw new StormFailure("PXE ACK without a boot file");

            step = "tftp";
            s = System.nanoTime();
            String tftpServer = ack.siaddr().equals("0.0.0.0") ? storm.server() : ack.siaddr();
            TftpClient.Result loader = retried(3, () -> TftpClient.get(tftpServer, bootfile));
            Long want = storm.loaders().get(bootfile);
            if (want != null && want != loader.crc()) throw new StormFailure("TFTP " + bootfile + ": CRC-32C mismatch");
            steps.put(step, since(s));
            tftpBytes = loader.bytes();

            step = "dhcp_ipxe";
            s = System.nanoTime();
            DhcpClient.Reply ack2 = storm.dhcp().exchange(mac, arch, uuid, true);
            steps.put(step, since(s));
            if (!ack2.address().equals(address)) throw new StormFailure("iPXE got " + ack2.address() + ", PXE got " + address);
            if (!ack2.bootfile().startsWith("http://")) throw new StormFailure("iPXE ACK boot file is not a script URL: " + ack2.bootfile());

            step = "script";
            s = System.nanoTime();
            String script = retried(3, () -> {
                StringBuilder body = new StringBuilder();
                http.get(ack2.bootfile().replace("${uuid}", uuid),
                        (b, off, len) -> body.append(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8)));
                return body.toString();
            }).replace("${uuid}", uuid);
            steps.put(step, since(s));
            List<String[]> images = images(script);
            if (images.stream().noneMatch(k -> k[0].equals("kernel")) || images.stream().noneMatch(k -> k[0].equals("initrd")))
                throw new StormFailure("script names no kernel/initrd: " + script.substring(0, Math.min(300, script.length())));

            for (String[] image : images) {
                step = image[0];
                s = System.nanoTime();
                long crc = retried(3, () -> {
                    CRC32C c = new CRC32C();
                    http.get(image[1], c::update);
                    return c.getValue();
                });
                if (crc != (step.equals("kernel") ? storm.kernel() : storm.initrd())) throw new StormFailure(step + " CRC-32C mismatch from " + image[1]);
                steps.put(step, since(s));
            }
            done = since(storm.t0());
        } catch (Exception e) {  // every failure is recorded against its step; the storm goes on
            error = step + ": " + e;
        } finally {
            http.close();
        }
    }

    /** The URLs of `initrd`/`kernel`/`module`/`imgfetch` lines, in script order (options like --name skipped). */
    static List<String[]> images(String script) {
        List<String[]> images = new ArrayList<>();
        for (String line : script.split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (!List.of("initrd", "kernel", "module", "imgfetch").contains(words[0])) continue;
            for (int i = 1; i < words.length; i++) {
                if (words[i].startsWith("http://")) {
                    images.add(new String[] {words[0].equals("kernel") ? "kernel" : "initrd", words[i]});
                    break;
                }
            }
        }
        return images;
    }

    interface Attempt<T> {
        T call() throws Exception;
    }

    /** Firmware retries a failed step a few times before giving up; so does the generator. */
    private static <T> T retried(int attempts, Attempt<T> attempt) throws Exception {
        for (int i = 0; ; i++) {
            try {
                return attempt.call();
            } catch (StormFailure | java.io.IOException | NumberFormatException e) {
                if (i == attempts - 1) throw e;
                Thread.sleep(1000L * (1 + i));
            }
        }
    }

    private static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
