package org.bergenholm.cli;

import java.time.Duration;
import java.util.List;
import org.bergenholm.doctor.Doctor;
import org.bergenholm.doctor.Finding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `bergenholm doctor`: the same settings as `serve`, checked instead of run. */
@Command(name = "doctor", description = "Check interface, ports, iPXE binaries, database and other DHCP servers; exit 0 only if all pass.")
final class DoctorCommand extends ServeCommand {
    @Option(names = "--dhcp-wait", description = "milliseconds to listen for another DHCP server (default 5000; servers that ping-check an address first answer after about 3 s)")
    int dhcpWaitMillis = 5000;

    @Override
    public Integer call() throws Exception {
        List<Finding> findings = new Doctor(effectiveConfig(), Duration.ofMillis(dhcpWaitMillis)).run();
        findings.forEach(f -> System.out.println(f.line()));
        return findings.stream().allMatch(Finding::ok) ? 0 : 1;
    }
}
