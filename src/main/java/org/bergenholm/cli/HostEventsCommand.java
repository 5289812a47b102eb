package org.bergenholm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `bergenholm host events ID [--follow]`: the host's boot timeline, one event per line. */
@Command(name = "events", description = "Print the host's boot timeline: time, step, details.")
final class HostEventsCommand extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = {"-f", "--follow"}, description = "keep printing new events until interrupted")
    boolean follow;

    @Option(names = "--interval", description = "milliseconds between polls with --follow (default 1000)")
    long intervalMillis = 1000;

    @Override
    protected int run(ApiClient api) {
        Set<String> printed = new HashSet<>();
        while (true) {
            JsonNode answer = api.getJson("/hosts/" + ApiClient.segment(id) + "/events", "events of host " + id);
            for (JsonNode e : answer.path("events")) {
                if (printed.add(e.path("time").asText() + e.path("step").asText() + e.path("details"))) {
                    out().println(line(e));
                }
            }
            out().flush();
            if (!follow) {
                return 0;
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** One line per event; details masked once as a whole, so nested maps, lists and URL tokens are too. */
    @SuppressWarnings("unchecked")
    static String line(JsonNode event) {
        JsonNode raw = event.path("details");
        Map<String, Object> masked = raw.isObject()
                ? org.bergenholm.inventory.Secrets.masked(JSON.convertValue(raw, Map.class)) : Map.of();
        List<String> details = new ArrayList<>();
        masked.forEach((key, value) -> details.add(key + "=" + (value instanceof String text ? text : json(value))));
        return event.path("time").asText() + "  " + event.path("step").asText()
                + (details.isEmpty() ? "" : "  " + String.join(" ", details));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
