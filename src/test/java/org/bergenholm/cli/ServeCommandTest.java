package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `serve` refuses bad configuration with one line and a non-zero exit. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    private String[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), err.toString()};
    }

    @Test
    void unknownConfigKeyIsNamed() throws Exception {
        Path f = tmp.resolve("b.yaml");
        Files.writeString(f, "http-port: 8080\nhttp_prot: 1\n");
        String[] r = run("serve", "--config", f.toString(), "--data-dir", tmp.toString());
        assertEquals("1", r[0]);
        assertEquals(1, r[1].lines().count(), r[1]);
        assertTrue(r[1].contains("unknown key 'http_prot'"), r[1]);
    }

    @Test
    void badDhcpModeIsRefused() {
        String[] r = run("serve", "--dhcp", "maybe", "--data-dir", tmp.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("dhcp must be off, proxy or full"), r[1]);
    }

    @Test
    void missingConfigFileIsRefused() {
        String[] r = run("serve", "--config", tmp.resolve("none.yaml").toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("cannot read configuration file"), r[1]);
    }

    private org.bergenholm.config.ApplianceConfig effective(java.util.Map<String, String> env, String... args) throws Exception {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        serve.env = env;
        return serve.effectiveConfig();
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path f = tmp.resolve("b.yaml");
        Files.writeString(f, "http-port: 8081\ntftp-port: 6969\nevents-per-host: 7\n");
        var env = java.util.Map.of("BERGENHOLM_HTTP_PORT", "8082", "BERGENHOLM_TFTP_PORT", "7070");
        var c = effective(env, "--config", f.toString(), "--http-port", "8083");
        assertEquals(8083, c.httpPort());
        assertEquals(7070, c.tftp().port());
        assertEquals(7, c.eventsPerHost());
        assertEquals("0.0.0.0", c.listen());
        assertEquals(java.nio.file.Path.of("/var/lib/bergenholm"), c.dataDir());
        assertEquals(8082, effective(env, "--config", f.toString()).httpPort());
        assertEquals(8081, effective(java.util.Map.of("BERGENHOLM_CONFIG", f.toString())).httpPort());
    }

    @Test
    void dhcpPoolsFollowTheSamePrecedence() throws Exception {
        Path f = tmp.resolve("d.yaml");
        Files.writeString(f, "pool: 10.1.0.10-10.1.0.20\nlease-time: 60\n");
        var fromFile = effective(java.util.Map.of(), "--config", f.toString()).dhcpConfig().pools().get(0);
        assertEquals("10.1.0.10", fromFile.first().getHostAddress());
        assertEquals(60, fromFile.leaseSeconds());
        var env = java.util.Map.of("BERGENHOLM_POOL", "10.2.0.10-10.2.0.20", "BERGENHOLM_LEASE_TIME", "120");
        var fromEnv = effective(env, "--config", f.toString()).dhcpConfig().pools().get(0);
        assertEquals("10.2.0.10", fromEnv.first().getHostAddress());
        assertEquals(120, fromEnv.leaseSeconds());
        var fromCli = effective(env, "--config", f.toString(), "--pool", "10.3.0.10-10.3.0.20").dhcpConfig().pools().get(0);
        assertEquals("10.3.0.10", fromCli.first().getHostAddress());
    }

    @Test
    void interfacesRepeatCommaSeparateOrListInTheFile() throws Exception {
        assertEquals(java.util.List.of("lo"), effective(java.util.Map.of(), "--interface", "lo").interfaces());
        assertEquals("127.0.0.1", effective(java.util.Map.of(), "--interface", "lo").serverAddress(), "the interface's address");
        assertEquals(java.util.List.of("lo", "eth9"), effective(java.util.Map.of(), "--interface", "lo", "--interface", "eth9").interfaces());
        assertEquals(java.util.List.of("lo", "eth9"), effective(java.util.Map.of("BERGENHOLM_INTERFACE", "lo, eth9")).interfaces());
        Path f = tmp.resolve("i.yaml");
        Files.writeString(f, "interface:\n  - lo\n  - eth9\n");
        assertEquals(java.util.List.of("lo", "eth9"), effective(java.util.Map.of(), "--config", f.toString()).interfaces());
        assertEquals(java.util.List.of(), effective(java.util.Map.of()).interfaces(), "no interface: every interface");
        String[] r = run("serve", "--data-dir", tmp.toString(), "--interface", "lo,eth9", "--server-address", "10.0.0.1");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("with several interfaces each answers with its own"), r[1]);
    }

    @Test
    void badValuesNameTheirKey() {
        String[] r = run("serve", "--data-dir", tmp.toString(), "--tftp-max-per-client", "-3");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("tftp-max-per-client: '-3' is not a non-negative whole number"), r[1]);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> effective(java.util.Map.of("BERGENHOLM_TFTP_SINGLE_PORT", "yes")));
        assertTrue(e.getMessage().startsWith("tftp-single-port:"), e.getMessage());
    }

    @Test
    void configShowMasksTheDatabasePassword() {
        assertEquals("mongodb://app:******@db1,db2/bergenholm?replicaSet=rs0",
                ConfigCommand.Show.maskUri("mongodb://app:s3cret@db1,db2/bergenholm?replicaSet=rs0"));
        assertEquals("mongodb://db1/x", ConfigCommand.Show.maskUri("mongodb://db1/x"));
    }
}
