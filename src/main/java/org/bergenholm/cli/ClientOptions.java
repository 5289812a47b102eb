package org.bergenholm.cli;

import picocli.CommandLine.Option;

/** The connection options every client command takes; environment variables give defaults. */
public final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL",
            defaultValue = "${env:BERGENHOLM_URL:-http://127.0.0.1/api/1.0}",
            description = "REST API base URL (env BERGENHOLM_URL; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--user", paramLabel = "USER", defaultValue = "${env:BERGENHOLM_USER}",
            description = "user for HTTP Basic authentication (env BERGENHOLM_USER)")
    String user;

    // No ${DEFAULT-VALUE} in the description: the password must never be printed.
    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:BERGENHOLM_PASSWORD}",
            description = "password for HTTP Basic authentication (env BERGENHOLM_PASSWORD)")
    String password;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:BERGENHOLM_TOKEN}",
            description = "bearer token (env BERGENHOLM_TOKEN); without it or --user, DATA_DIR/admin.token when readable")
    String token;

    @Option(names = "--data-dir", paramLabel = "DATA_DIR", defaultValue = "${env:BERGENHOLM_DATA_DIR:-/var/lib/bergenholm}",
            description = "where to look for admin.token (env BERGENHOLM_DATA_DIR; default ${DEFAULT-VALUE})")
    java.nio.file.Path dataDir;

    /** Credentials by precedence: --token, then --user/--password, then the admin token file, else none. */
    ApiClient client() {
        if (token != null && !token.isBlank()) {
            return ApiClient.withToken(url, token);
        }
        if (user != null) {
            return new ApiClient(url, user, password);
        }
        java.nio.file.Path file = dataDir.resolve("admin.token");
        if (java.nio.file.Files.isReadable(file)) {
            try {
                String fromFile = java.nio.file.Files.readString(file).strip();
                if (!fromFile.isEmpty()) {
                    return ApiClient.withToken(url, fromFile);
                }
            } catch (java.io.IOException e) {
                // Unreadable after all (a race with its owner); go on without credentials.
            }
        }
        return new ApiClient(url, null, null);
    }
}
