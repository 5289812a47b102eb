package org.bergenholm.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootAssetsTest {
    @TempDir Path dir;

    @Test
    void explicitRootWinsThenFilledLocalDirectoryThenSystem() throws Exception {
        Path local = dir.resolve("boot-assets");
        Path system = dir.resolve("usr-lib-ipxe");
        Path explicit = dir.resolve("mine");
        assertEquals(system, BootAssets.chooseRoot(null, local, system));
        Files.createDirectory(local);
        assertEquals(system, BootAssets.chooseRoot(null, local, system), "an empty local folder is passed over");
        Files.write(local.resolve("undionly.kpxe"), new byte[] {1});
        assertEquals(local, BootAssets.chooseRoot(null, local, system));
        assertEquals(explicit, BootAssets.chooseRoot(explicit, local, system));
    }

    @Test
    void namesMissingLoaders() throws Exception {
        Files.write(dir.resolve("snponly.efi"), new byte[] {1});
        assertEquals(List.of("undionly.kpxe", "ipxe.efi"), BootAssets.warnIfIncomplete(dir));
    }

    @Test
    void debiansLinksFromUsrLibIpxeIntoBootAreServed() throws Exception {
        Path system = Path.of("/usr/lib/ipxe");
        assertTrue(Files.isSymbolicLink(system.resolve("ipxe.efi")),
                "Debian's ipxe package links ipxe.efi to /boot; install it (appliance/install-deps)");
        assertEquals(Path.of("/boot/ipxe.efi"), BootAssets.resolve(system, "ipxe.efi"));
        assertEquals(List.of(), BootAssets.trustedLinkTargets(Path.of("/tmp")));
    }
}
