package org.bergenholm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `bergenholm images ...`: the boot image cache of a running appliance. */
@Command(name = "images", description = "Inspect, fill and empty the boot image cache.", mixinStandardHelpOptions = true,
        subcommands = {ImageCommand.ListCmd.class, ImageCommand.Prefetch.class, ImageCommand.Purge.class})
public final class ImageCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageCommand() {}

    static Map<String, JsonNode> entries(ApiClient api) {
        Map<String, JsonNode> byUrl = new LinkedHashMap<>();
        api.getJson("/images", "images").path("images").forEach(e -> byUrl.put(e.path("url").asText(), e));
        return byUrl;
    }

    static String state(JsonNode e) {
        if (e.path("downloading").asBoolean()) {
            return e.path("complete").asBoolean() ? "refreshing" : "downloading";
        }
        return e.path("complete").asBoolean() ? "cached" : "failed";
    }

    @Command(name = "list", description = "Print one line per URL: bytes on disk, state, last used, URL (and the last error).")
    static final class ListCmd extends ClientCommand {
        @Override
        protected int run(ApiClient api) {
            for (JsonNode e : entries(api).values()) {
                String error = e.path("error").isTextual() ? "  (" + e.path("error").asText() + ")" : "";
                out().printf("%12d  %-11s  %-24s  %s%s%n", e.path("size").asLong(), state(e), e.path("last_used").asText(),
                        e.path("url").asText(), error);
            }
            return 0;
        }
    }

    @Command(name = "prefetch", description = "Download URLs into the cache and wait for them (a progress bar on a terminal).")
    static final class Prefetch extends ClientCommand {
        @Parameters(paramLabel = "URL", arity = "1..*")
        List<String> urls;

        @Option(names = "--proxy", paramLabel = "URL", description = "fetch through this HTTP proxy (as a host's proxy_url)")
        String proxy;

        @Override
        protected int run(ApiClient api) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("urls", urls);
            if (proxy != null) {
                body.put("proxy_url", proxy);
            }
            try {
                api.send("POST", "/images/prefetch", JSON.writeValueAsString(body), EntryCommands.JSON_TYPE, "prefetch");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            ProgressBar bar = System.console() != null ? new ProgressBar(err()) : null;
            int failures = 0;
            for (String url : urls) {
                JsonNode done = await(api, ApiClient.shown(url), bar);
                if (done == null) {
                    err().println("bergenholm: prefetch " + ApiClient.shown(url) + ": not in the cache (larger than images-cache-max?)");
                    failures++;
                } else if (!done.path("complete").asBoolean()) {
                    err().println("bergenholm: prefetch " + ApiClient.shown(url) + ": " + done.path("error").asText("failed"));
                    failures++;
                } else {
                    out().println("cached " + done.path("size").asLong() + " bytes  " + ApiClient.shown(url));
                }
            }
            return failures == 0 ? 0 : 1;
        }

        /** Polls the listing until url is no longer downloading; null if it vanished. */
        private static JsonNode await(ApiClient api, String url, ProgressBar bar) {
            while (true) {
                JsonNode e = entries(api).get(url);
                if (e == null || !e.path("downloading").asBoolean()) {
                    if (bar != null) {
                        bar.clear();
                    }
                    return e;
                }
                if (bar != null) {
                    bar.show(url, e.path("size").asLong(), e.path("length").asLong());
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ClientException("interrupted");
                }
            }
        }
    }

    @Command(name = "purge", description = "Delete one URL's cached image, or every cached image.")
    static final class Purge extends ClientCommand {
        @Parameters(paramLabel = "URL", arity = "0..1")
        String url;

        @Override
        protected int run(ApiClient api) {
            String path = url == null ? "/images" : "/images" + ApiClient.query(Map.of("url", url));
            JsonNode answer;
            try {
                answer = JSON.readTree(api.send("DELETE", path, null, null, url == null ? "purge" : "purge " + ApiClient.shown(url)).body());
            } catch (java.io.IOException e) {
                throw new ClientException("purge: the server answered something that is not JSON");
            }
            out().println("purged " + answer.path("purged").asInt());
            return 0;
        }
    }
}
