package org.bergenholm.dhcp;

import java.util.Map;

/** Told when DHCP gives a known host a boot answer, before the machine asks for anything else; must return at once. */
public interface BootAhead {
    BootAhead NONE = (hostId, uuid, params) -> { };

    /** {@code uuid}: the machine's (option 97), null if it sent none; {@code params}: the host's, resolved. */
    void booting(String hostId, String uuid, Map<String, Object> params);
}
