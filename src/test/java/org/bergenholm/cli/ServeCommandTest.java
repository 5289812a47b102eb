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
}
