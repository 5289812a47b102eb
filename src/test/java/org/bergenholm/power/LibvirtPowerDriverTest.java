package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/** The libvirt driver against libvirt's built-in test:///default driver (Debian libvirt0, no daemon). */
class LibvirtPowerDriverTest {
    private static final String URL = "test:///default";
    private static final Map<String, Object> PARAMS = Map.of("power_driver", "libvirt", "libvirt_url", URL);

    private final LibvirtPowerDriver driver = new LibvirtPowerDriver();
    private final String uuid = UUID.randomUUID().toString();
    private Domain domain;

    /** A stopped domain that boots from disk, defined through the driver's own connection. */
    @BeforeEach
    void define() throws Exception {
        domain = driver.connection(URL).domainDefineXML("""
                <domain type='test'>
                  <name>pxe-%s</name>
                  <uuid>%s</uuid>
                  <memory>65536</memory>
                  <os><type>hvm</type><boot dev='hd'/></os>
                </domain>""".formatted(uuid.substring(0, 8), uuid));
    }

    @AfterEach
    void undefine() throws Exception {
        if (domain.isActive() == 1) {
            domain.destroy();
        }
        domain.undefine();
        driver.close();
    }

    /** The running domain's id, new at each start (a fresh lookup: handles cache the id). */
    private int runId() throws Exception {
        return driver.connection(URL).domainLookupByUUIDString(uuid).getID();
    }

    @Test
    void onPutsTheNetworkFirstAndStarts() throws Exception {
        assertEquals(PowerState.OFF, driver.status(uuid, PARAMS));
        driver.on(uuid, PARAMS);
        assertEquals(PowerState.ON, driver.status(uuid, PARAMS));
        String xml = domain.getXMLDesc(0);
        int network = xml.indexOf("<boot dev='network'/>");
        assertTrue(network > 0 && network < xml.indexOf("<boot dev='hd'/>"), xml);
    }

    @Test
    void onWhileRunningRestartsWithTheNetworkFirst() throws Exception {
        domain.create();
        int before = runId();
        driver.on(uuid, PARAMS);
        assertEquals(PowerState.ON, driver.status(uuid, PARAMS));
        assertTrue(runId() != before, "a restarted domain gets a new id");
        assertTrue(domain.getXMLDesc(0).contains("<boot dev='network'/>"));
    }

    @Test
    void offAndReset() throws Exception {
        driver.on(uuid, PARAMS);
        int id = runId();
        driver.reset(uuid, PARAMS);
        assertEquals(PowerState.ON, driver.status(uuid, PARAMS));
        assertTrue(runId() != id, "reset destroys and starts again");
        driver.off(uuid, PARAMS);
        assertEquals(PowerState.OFF, driver.status(uuid, PARAMS));
        driver.reset(uuid, PARAMS);
        assertEquals(PowerState.ON, driver.status(uuid, PARAMS), "reset starts a stopped domain");
    }

    @Test
    void unknownUuidAndMissingUrlAreClearErrors() {
        String other = UUID.randomUUID().toString();
        PowerException e = assertThrows(PowerException.class, () -> driver.status(other, PARAMS));
        assertTrue(e.getMessage().contains("no domain with UUID " + other), e.getMessage());
        PowerException missing = assertThrows(PowerParameterException.class, () -> driver.status(uuid, Map.of()));
        assertTrue(missing.getMessage().contains("libvirt_url"));
        PowerException unopenable = assertThrows(PowerException.class,
                () -> driver.status(uuid, Map.of("libvirt_url", "test:///no/such/file.xml")));
        assertTrue(unopenable.getMessage().startsWith("libvirt test:///no/such/file.xml: "), unopenable.getMessage());
        assertFalse(unopenable.getMessage().contains("no domain"), unopenable.getMessage());
    }
}
