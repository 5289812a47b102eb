package org.bergenholm.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb that `mvn package` built, installed on this machine with apt as a user would, then
 * used and purged. Runs in `mvn verify` (after package), not `mvn test`.
 */
class DebianPackageIT {
    record Result(int code, String output) { }

    static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        return new Result(p.exitValue(), out);
    }

    static Path deb() {
        return Path.of("target", "bergenholm_" + System.getProperty("project.version", "2.0.0") + "_all.deb").toAbsolutePath();
    }

    @BeforeAll
    static void install() throws Exception {
        assertTrue(Files.isRegularFile(deb()), deb() + " was not built by mvn package");
        Result r = run("apt-get", "install", "-y", "-q", deb().toString());
        assertEquals(0, r.code(), r.output());
    }

    @AfterAll
    static void purge() throws Exception {
        Result r = run("apt-get", "purge", "-y", "-q", "bergenholm");
        assertEquals(0, r.code(), r.output());
        assertTrue(!Files.exists(Path.of("/usr/bin/bergenholm")));
    }

    @Test
    void installsLikeADebianService(@TempDir Path data) throws Exception {
        assertEquals(new Result(0, "bergenholm 2.0.0\n"), run("/usr/bin/bergenholm", "--version"));
        Result flags = run("env", "BERGENHOLM_JAVA_OPTS=-XX:+PrintFlagsFinal", "/usr/bin/bergenholm", "--version");
        assertTrue(flags.output().matches("(?s).*TieredStopAtLevel\\s+= 1\\s+\\{product\\} \\{command line\\}.*"),
                "the launcher passes the packaged jvm.options: " + flags.output());
        assertEquals(0, run("id", "bergenholm").code(), "system user created");
        assertTrue(run("stat", "-c", "%U %a", "/var/lib/bergenholm").output().startsWith("bergenholm 750"));
        assertTrue(run("dpkg-query", "-W", "-f", "${Conffiles}", "bergenholm").output().contains("/etc/bergenholm/bergenholm.yaml"));
        assertTrue(Files.isRegularFile(Path.of("/usr/share/bash-completion/completions/bergenholm")));
        Result man = run("man", "-P", "cat", "bergenholm-doctor");
        assertEquals(0, man.code(), man.output());
        assertTrue(man.output().contains("--dhcp-wait"), "the man page is generated from the command model: " + man.output());
        for (String dep : List.of("ipxe", "java17-runtime-headless")) {
            assertTrue(run("dpkg-query", "-W", "-f", "${Depends}", "bergenholm").output().contains(dep), dep);
        }

        Result doctor = run("/usr/bin/bergenholm", "doctor", "--config", "/etc/bergenholm/bergenholm.yaml", "--dhcp", "off",
                "--listen", "127.0.0.1", "--http-port", "18380", "--tftp-port", "16973", "--data-dir", data.toString());
        assertEquals(0, doctor.code(), doctor.output());
        assertTrue(doctor.output().contains("ok    ipxe binaries: all present in "), doctor.output());

        Result verify = run("systemd-analyze", "verify", "/lib/systemd/system/bergenholm.service");
        assertEquals(0, verify.code(), verify.output());
        Result security = run("systemd-analyze", "security", "--offline=true", "/lib/systemd/system/bergenholm.service");
        Matcher m = Pattern.compile("Overall exposure level for bergenholm.service: ([0-9.]+)").matcher(security.output());
        assertTrue(m.find(), security.output());
        assertTrue(Double.parseDouble(m.group(1)) <= 2.0, "exposure " + m.group(1));
    }
}
