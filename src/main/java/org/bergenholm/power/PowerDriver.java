package org.bergenholm.power;

import java.util.Map;

/**
 * One way of switching machines: IPMI, libvirt, VMware, dummy. A driver gets the host's id
 * (its SMBIOS UUID, which finds a libvirt domain or VMware VM) and its resolved parameters.
 * Failures are {@link PowerException}s whose message never contains a password.
 */
public interface PowerDriver {
    String name();

    PowerState status(String hostId, Map<String, Object> params) throws PowerException;

    /** Power on, booting from the network next. */
    void on(String hostId, Map<String, Object> params) throws PowerException;

    void off(String hostId, Map<String, Object> params) throws PowerException;

    /** Hard reset. */
    void reset(String hostId, Map<String, Object> params) throws PowerException;
}
