package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * The boot flags bytes (IPMI 2.0 table 28-14). ipmi_sim keeps only the device and drops the
 * EFI bit, so the bytes themselves are checked here.
 */
class SetSystemBootOptionsTest {
    @Test
    void forcePxeNextBootOnlyLegacyOrEfi() throws Exception {
        var suite = new org.metricshub.ipmi.core.coding.security.CipherSuite((byte) 3, (byte) 1, (byte) 1, (byte) 1);
        assertArrayEquals(new byte[] {5, (byte) 0x80, 0x04, 0, 0, 0}, new SetSystemBootOptions(suite, false).data());
        assertArrayEquals(new byte[] {5, (byte) 0xA0, 0x04, 0, 0, 0}, new SetSystemBootOptions(suite, true).data());
    }
}
