package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real executable in its own JVM: exit codes, stdin and the BERGENHOLM_* environment. */
class SubprocessTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    Run bergenholm(String url, String stdin, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.bergenholm.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        pb.environment().put("BERGENHOLM_URL", url);
        pb.environment().put("BERGENHOLM_USER", "admin");
        pb.environment().put("BERGENHOLM_PASSWORD", "env-s3cret");
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        int exit = p.waitFor();
        return new Run(exit, Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
    }

    @Test
    void urlFromEnvironmentStdinAndExitCodes() throws Exception {
        try (TestServer server = TestServer.start()) {
            Run created = bergenholm(server.apiUrl(), "{\"hostname\": \"sub\"}", "host", "create", "sub-host", "-");
            assertEquals(0, created.exit(), created.err());
            Run list = bergenholm(server.apiUrl(), "", "host", "list");
            assertEquals(new Run(0, "sub-host\n", ""), list);
            Run missing = bergenholm(server.apiUrl(), "", "host", "show", "nope");
            assertEquals(1, missing.exit());
            assertEquals(1, missing.err().lines().count(), missing.err());
        }
        Run dead = bergenholm("http://127.0.0.1:1/api/1.0", "", "host", "list");
        assertEquals(new Run(1, "", "bergenholm: cannot reach http://127.0.0.1:1/api/1.0: connection refused\n"), dead);
        assertFalse(dead.err().contains("env-s3cret"));
    }
}
