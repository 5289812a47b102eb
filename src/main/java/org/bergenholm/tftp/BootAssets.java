package org.bergenholm.tftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where boot files come from, and how a requested name maps to a file inside that root. */
public final class BootAssets {
    private static final Logger LOG = LoggerFactory.getLogger(BootAssets.class);
    /** The iPXE loaders PXE firmware asks for first: BIOS, UEFI with SNP, plain UEFI. */
    public static final List<String> LOADERS = List.of("undionly.kpxe", "snponly.efi", "ipxe.efi");

    private static final Path SYSTEM = Path.of("/usr/lib/ipxe");

    private BootAssets() { }

    /**
     * Folders outside {@code root} that its symbolic links may point into. Debian's ipxe package
     * keeps ipxe.efi and ipxe.lkrn in /boot and links them from /usr/lib/ipxe, a folder only dpkg
     * writes; any other root's links must stay inside it.
     */
    public static List<Path> trustedLinkTargets(Path root) {
        try {
            return trustedFor(root.toRealPath());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Path> trustedFor(Path realRoot) {
        return realRoot.equals(SYSTEM) ? List.of(Path.of("/boot")) : List.of();
    }

    /**
     * --boot-assets DIR if given, else ./boot-assets if it holds a loader (a checkout's
     * folder holds only its README until filled), else Debian's /usr/lib/ipxe.
     */
    public static Path chooseRoot(Path explicit) {
        return chooseRoot(explicit, Path.of("boot-assets"), SYSTEM);
    }

    static Path chooseRoot(Path explicit, Path local, Path system) {
        if (explicit != null) {
            return explicit;
        }
        boolean filled = LOADERS.stream().anyMatch(f -> Files.isRegularFile(local.resolve(f)));
        return filled ? local : system;
    }

    /** Names the loaders missing from root; logs one warning that says how to fetch them. */
    public static List<String> warnIfIncomplete(Path root) {
        List<String> missing = LOADERS.stream().filter(f -> !Files.isRegularFile(root.resolve(f))).toList();
        if (!missing.isEmpty()) {
            LOG.warn("TFTP root {} lacks {}; PXE clients asking for them will fail. "
                    + "See boot-assets/README.md, or run boot-assets/fill-from-debian.sh", root, missing);
        }
        return missing;
    }

    /**
     * Resolves a client's filename like tftpd-hpa -s: leading '/' stripped, then the result must
     * stay inside root both lexically (no "..") and after following symlinks (or lead into one of
     * {@link #trustedLinkTargets}).
     */
    static Path resolve(Path root, String filename) throws TftpException {
        String name = filename.replaceFirst("^/+", "");
        Path rootReal;
        try {
            rootReal = root.toRealPath();
        } catch (IOException e) {
            throw new TftpException(1, "file not found");
        }
        Path candidate;
        try {
            candidate = rootReal.resolve(name).normalize();
        } catch (RuntimeException e) { // InvalidPathException for NUL and the like
            throw new TftpException(2, "access violation");
        }
        if (!candidate.startsWith(rootReal)) {
            throw new TftpException(2, "access violation");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new TftpException(1, "file not found");
        } catch (IOException e) {
            throw new TftpException(2, "access violation");
        }
        if (!real.startsWith(rootReal) && trustedFor(rootReal).stream().noneMatch(real::startsWith)) {
            throw new TftpException(2, "access violation");
        }
        if (!Files.isRegularFile(real)) {
            throw new TftpException(1, "file not found");
        }
        return real;
    }
}
