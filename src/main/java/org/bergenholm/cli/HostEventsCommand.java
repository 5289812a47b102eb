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

    @SuppressWarnings("unchecked")
    private static String masked(JsonNode object) {
        try {
            return JSON.writeValueAsString(org.bergenholm.inventory.Secrets.masked(JSON.convertValue(object, Map.class)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String line(JsonNode event) {
        List<String> details = new ArrayList<>();
        for (Map.Entry<String, JsonNode> d : (Iterable<Map.Entry<String, JsonNode>>) event.path("details")::fields) {
            JsonNode value = d.getValue();
            String shown = org.bergenholm.inventory.Secrets.isSecret(d.getKey()) && !value.isNull() ? org.bergenholm.inventory.Secrets.MASK
                    : value.isTextual() ? value.asText() : value.isObject() ? masked(value) : value.toString();
            details.add(d.getKey() + "=" + shown);
        }
        return event.path("time").asText() + "  " + event.path("step").asText()
                + (details.isEmpty() ? "" : "  " + String.join(" ", details));
    }
}
