package org.bergenholm.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bergenholm.config.ApplianceConfig;
import picocli.CommandLine.Command;

/** `bergenholm config show`: the effective settings after command line, environment, file, defaults. */
@Command(name = "config", description = "Show the effective configuration.", subcommands = ConfigCommand.Show.class)
final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("missing subcommand: config show");
    }

    @Command(name = "show", description = "Print the effective configuration as YAML, secrets masked.")
    static final class Show extends ServeCommand {
        @Override
        public Integer call() throws Exception {
            ApplianceConfig c = effectiveConfig();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("listen", c.listen());
            out.put("http-port", c.httpPort());
            out.put("tftp-port", c.tftp() == null ? 0 : c.tftp().port());
            if (c.tftp() != null) {
                out.put("tftp-max-transfers", c.tftp().maxTransfers());
                out.put("tftp-max-per-client", c.tftp().maxPerClient());
                out.put("tftp-single-port", c.tftp().singlePort());
            }
            out.put("dhcp", c.dhcp());
            out.put("interface", c.interfaces().isEmpty() ? null : c.interfaces().size() == 1 ? c.interfaces().get(0) : c.interfaces());
            out.put("server-address", c.serverAddress());
            out.put("base-url", c.baseUrl());
            out.put("mongo-uri", maskUri(c.mongoUri()));
            out.put("data-dir", c.dataDir().toString());
            out.put("boot-assets", c.bootAssets() == null ? null : c.bootAssets().toString());
            out.put("seed", c.seed());
            out.put("events-per-host", c.eventsPerHost());
            out.put("auth", c.auth().enabled() ? "on" : "off");
            out.put("install-access", c.auth().installAccess().name().toLowerCase(java.util.Locale.ROOT));
            out.put("users", String.join(",", new java.util.TreeSet<>(c.auth().users().keySet())));
            out.put("secret-params", String.join(",", org.bergenholm.inventory.Secrets.patterns()));
            out.forEach((k, v) -> System.out.println(k + ": " + (v == null ? "null" : v)));
            return 0;
        }

        /** mongodb://user:secret@host → mongodb://user:******@host */
        static String maskUri(String uri) {
            return uri == null ? null : uri.replaceFirst("(://[^:/@]*:)[^@/]*@", "$1******@");
        }
    }
}
