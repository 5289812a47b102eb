package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerDriversTest {
    private final PowerDrivers drivers = new PowerDrivers(new DummyPowerDriver());

    @Test
    void picksDriverByName() throws Exception {
        assertEquals("dummy", drivers.forParams(Map.of("power_driver", "dummy")).name());
    }

    @Test
    void unknownAndMissingDriverAreClearErrors() {
        PowerException unknown = assertThrows(PowerException.class, () -> drivers.forParams(Map.of("power_driver", "hal9000")));
        assertTrue(unknown.getMessage().contains("unknown power_driver 'hal9000'"));
        PowerException missing = assertThrows(PowerException.class, () -> drivers.forParams(Map.of()));
        assertTrue(missing.getMessage().contains("power_driver"));
        PowerException param = assertThrows(PowerException.class, () -> PowerDrivers.required(Map.of(), "ipmi_host"));
        assertTrue(param.getMessage().contains("ipmi_host"));
    }
}
