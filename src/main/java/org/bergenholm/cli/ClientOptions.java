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

    ApiClient client() {
        return new ApiClient(url, user, password);
    }
}
