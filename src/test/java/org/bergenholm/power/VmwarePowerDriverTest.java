package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The VMware driver against vcsim-lite over HTTPS with a self-signed certificate. */
class VmwarePowerDriverTest {
    private static VcsimLite vcsim;
    private final VmwarePowerDriver driver = new VmwarePowerDriver(Duration.ofSeconds(10));

    @BeforeAll
    static void start() throws Exception {
        vcsim = new VcsimLite();
    }

    @AfterAll
    static void stop() throws Exception {
        vcsim.close();
    }

    @Test
    void onAllowsNetworkBootThenPowersOn() throws Exception {
        String uuid = vcsim.uuids().get(0);
        driver.off(uuid, vcsim.params());
        assertEquals(PowerState.OFF, driver.status(uuid, vcsim.params()));
        driver.on(uuid, vcsim.params());
        assertEquals(PowerState.ON, driver.status(uuid, vcsim.params()));
        VcsimLite.VmView view = vcsim.view(uuid);
        assertEquals("poweredOn", view.powerState());
        assertEquals("allow:net,hd", view.extraConfig().get("bios.bootDeviceClasses"));
        driver.on(uuid, vcsim.params());
        assertEquals("poweredOn", vcsim.view(uuid).powerState(), "on while running resets");
    }

    @Test
    void offAndReset() throws Exception {
        String uuid = vcsim.uuids().get(1);
        driver.off(uuid, vcsim.params());
        assertEquals("poweredOff", vcsim.view(uuid).powerState());
        driver.reset(uuid, vcsim.params());
        assertEquals("poweredOn", vcsim.view(uuid).powerState(), "reset starts a stopped VM");
        driver.reset(uuid, vcsim.params());
        assertEquals(PowerState.ON, driver.status(uuid, vcsim.params()));
        driver.off(uuid, vcsim.params());
        assertEquals(PowerState.OFF, driver.status(uuid, vcsim.params()));
    }

    @Test
    void certificateIsVerifiedByDefault() {
        Map<String, Object> params = vcsim.params();
        params.remove("vmware_insecure");
        PowerException e = assertThrows(PowerException.class, () -> driver.status(vcsim.uuids().get(0), params));
        assertTrue(e.getMessage().contains("certificate not trusted"), e.getMessage());
        assertTrue(e.getMessage().contains("vmware_insecure"), e.getMessage());
    }

    /** vcsim-lite accepts any login, so a wrong password cannot be tried here. */
    @Test
    void unknownVmIsAClearError() {
        String other = UUID.randomUUID().toString();
        PowerException unknown = assertThrows(PowerException.class, () -> driver.status(other, vcsim.params()));
        assertTrue(unknown.getMessage().contains("no VM with BIOS UUID " + other), unknown.getMessage());
        assertFalse(unknown.isTimeout());
    }
}
