package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IPMI driver against ipmi_sim from Debian's openipmi, checked through its state files and ipmitool. */
class IpmiPowerDriverTest {
    private final IpmiPowerDriver driver = new IpmiPowerDriver(Duration.ofSeconds(3));
    @TempDir
    Path state;
    private IpmiSimulator bmc;

    @BeforeEach
    void start() throws Exception {
        bmc = new IpmiSimulator(state);
    }

    @AfterEach
    void stop() throws Exception {
        bmc.close();
    }

    @Test
    void onSetsPxeForTheNextBootThenPowersUp() throws Exception {
        assertEquals(PowerState.OFF, driver.status("h", bmc.params()));
        driver.on("h", bmc.params());
        assertEquals("on", bmc.file("power"));
        assertEquals("pxe", bmc.file("bootdev"));
        assertTrue(bmc.ipmitool("chassis", "bootparam", "get", "5").contains("Force PXE"));
        assertEquals(PowerState.ON, driver.status("h", bmc.params()));
        assertTrue(bmc.file("events").endsWith("power-on"), bmc.file("events"));
    }

    @Test
    void eachOperationClosesItsSession() throws Exception {
        for (int i = 0; i < 40 && closedSessions() < 1; i++) {
            Thread.sleep(50); // start.sh's own ipmitool probe
        }
        int before = closedSessions();
        driver.status("h", bmc.params());
        driver.on("h", bmc.params());
        driver.off("h", bmc.params());
        // ipmi_sim logs the close after it has answered it: give the last line a moment.
        for (int i = 0; i < 40 && closedSessions() < before + 3; i++) {
            Thread.sleep(50);
        }
        assertEquals(before + 3, closedSessions(), "BMCs have few session slots");
    }

    private int closedSessions() throws Exception {
        return bmc.file("ipmi_sim.log").split("Closed due to request", -1).length - 1;
    }

    @Test
    void onWhenRunningResetsSoItBootsFromTheNetwork() throws Exception {
        driver.on("h", bmc.params());
        driver.on("h", bmc.params());
        assertTrue(bmc.file("events").endsWith("reset"), bmc.file("events"));
    }

    @Test
    void efiBootModeIsAccepted() throws Exception {
        Map<String, Object> params = bmc.params();
        params.put("ipmi_boot_mode", "efi");
        driver.on("h", params);
        assertEquals("pxe", bmc.file("bootdev"));
        params.put("ipmi_boot_mode", "floppy");
        assertThrows(PowerParameterException.class, () -> driver.on("h", params));
        params.put("ipmi_boot_mode", "legacy");
        params.put("ipmi_interface", "lan");
        assertThrows(PowerParameterException.class, () -> driver.on("h", params));
    }

    @Test
    void offAndReset() throws Exception {
        driver.on("h", bmc.params());
        driver.reset("h", bmc.params());
        assertTrue(bmc.file("events").endsWith("reset"), bmc.file("events"));
        driver.off("h", bmc.params());
        assertEquals("off", bmc.file("power"));
        assertEquals(PowerState.OFF, driver.status("h", bmc.params()));
        assertTrue(bmc.ipmitool("chassis", "power", "status").contains("off"));
    }

    @Test
    void otherCipherSuite() throws Exception {
        Map<String, Object> params = bmc.params();
        params.put("ipmi_cipher_suite", "1");
        assertEquals(PowerState.OFF, driver.status("h", params));
    }

    @Test
    void wrongPasswordIsAClearErrorWithoutThePassword() {
        Map<String, Object> params = bmc.params();
        params.put("ipmi_password", "wrong-pw-123");
        PowerException e = assertThrows(PowerException.class, () -> driver.status("h", params));
        assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-pw-123"));
        assertFalse(e.isTimeout());
        params.put("ipmi_user", "nobody");
        params.put("ipmi_password", "secret");
        PowerException user = assertThrows(PowerException.class, () -> driver.status("h", params));
        assertTrue(user.getMessage().contains("authentication failed for user nobody"), user.getMessage());
    }

    @Test
    void unreachableBmcTimesOutInBoundedTime() throws Exception {
        int silent;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent = probe.getLocalPort();
        }
        Map<String, Object> params = bmc.params();
        params.put("ipmi_port", silent);
        long start = System.nanoTime();
        PowerException e = assertThrows(PowerException.class, () -> driver.status("h", params));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.isTimeout(), e.getMessage());
        assertTrue(millis >= 2900 && millis < 5000, "took " + millis + " ms");
        long deadline = System.nanoTime() + 6_000_000_000L;
        while (workerAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(workerAlive(), "the worker left behind by the timeout ends soon after");
    }

    private static boolean workerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("ipmi-") && t.isAlive());
    }
}
