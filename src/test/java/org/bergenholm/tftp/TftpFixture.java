package org.bergenholm.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.HostLookup;
import java.util.Map;
import java.util.Optional;

/** Shared test helpers: a server on 127.0.0.1, test files, raw packets, external clients. */
final class TftpFixture {
    static final InetAddress LOCALHOST = InetAddress.getLoopbackAddress();

    static final HostLookup NO_HOSTS = new HostLookup() {
        public Optional<Map<String, Object>> resolve(String hostId) { return Optional.empty(); }
        public Optional<String> hostIdByMac(String mac) { return Optional.empty(); }
        public Optional<String> hostIdByAddress(String ipv4) { return Optional.empty(); }
    };

    private TftpFixture() { }

    static TftpConfig config(boolean singlePort, int maxTransfers, int maxPerClient, int timeoutMillis, int retries) {
        return new TftpConfig(0, LOCALHOST, singlePort, maxTransfers, maxPerClient, timeoutMillis, retries);
    }

    static TftpServer start(Path root, TftpConfig config) throws IOException {
        return start(root, config, EventLog.NONE, NO_HOSTS);
    }

    static TftpServer start(Path root, TftpConfig config, EventLog events, HostLookup hosts) throws IOException {
        TftpServer server = new TftpServer(config, root, events, hosts);
        server.start();
        return server;
    }

    static byte[] randomFile(Path root, String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** RRQ bytes: filename, mode, then name/value option pairs. */
    static byte[] rrq(String filename, String mode, String... options) {
        return request(1, filename, mode, options);
    }

    static byte[] request(int opcode, String filename, String mode, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(opcode);
        for (String s : concat(filename, mode, options)) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        return out.toByteArray();
    }

    private static String[] concat(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    static DatagramSocket clientSocket() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOCALHOST, 0));
        socket.setSoTimeout(3000);
        return socket;
    }

    static void send(DatagramSocket socket, int port, byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, LOCALHOST, port));
    }

    static DatagramPacket receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        socket.receive(packet);
        return packet;
    }

    static int opcode(DatagramPacket p) {
        return Packets.opcode(p);
    }

    /** Error code of an ERROR packet; fails the test if the packet is something else. */
    static int errorCode(DatagramPacket p) {
        assertEquals(5, opcode(p), "expected an ERROR packet");
        return ((p.getData()[2] & 0xff) << 8) | (p.getData()[3] & 0xff);
    }

    static byte[] ack(int block) {
        return new byte[] {0, 4, (byte) (block >> 8), (byte) block};
    }

    /** Runs an external client; a missing tool fails the test naming the Debian package. */
    static void run(String debianPackage, List<String> command) throws Exception {
        String tool = command.get(0);
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, tool));
        }
        if (!found) {
            fail(tool + " not found: install the Debian package " + debianPackage
                    + " (apt-get install -y " + debianPackage + ")");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = process.waitFor(30, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            process.destroyForcibly();
            fail(command + " did not finish in 30 s: " + output);
        }
        assertEquals(0, process.exitValue(), command + " failed: " + output);
        assertTrue(true);
    }
}
