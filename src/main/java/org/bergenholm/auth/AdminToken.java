package org.bergenholm.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first credential of a new installation: when nobody could log in, an admin bearer token
 * is written to {@code <data-dir>/admin.token} (0600) and registered under the name "admin".
 * A file left from before (a wiped database, a new --mongo-uri) is registered again instead
 * of being replaced, so scripts that read it keep working. The token is never logged; its path is.
 */
final class AdminToken {
    static final String FILE = "admin.token";
    static final String NAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

    private AdminToken() {
    }

    static void ensure(Path dataDir, Authenticator auth) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!auth.noCredentials()) {
            if (Files.exists(file)) {
                log.info("API authentication on; the admin token is in {}", file);
            }
            return;
        }
        String secret;
        if (Files.exists(file)) {
            secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new IOException(file + " is empty: delete it to have a new admin token made");
            }
            log.info("API authentication on; registered the admin token kept in {}", file);
        } else {
            secret = RandomSecrets.random();
            write(file, secret);
            log.info("API authentication on; wrote a new admin token to {} (use it as 'Authorization: Bearer', or bergenholm --token)", file);
        }
        if (!auth.addTokenSecret(NAME, secret, Instant.now())) {
            // Another appliance sharing the database registered its own admin token first.
            log.warn("a token named '{}' exists already (made by another appliance on this database?); {} is not valid here: "
                    + "use that appliance's token, or delete this file and restart", NAME, file);
        }
    }

    /** Created with mode 0600 in the same call, so there is no moment it is readable by others. */
    private static void write(Path file, String secret) throws IOException {
        Files.createDirectories(file.getParent());
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }
}
