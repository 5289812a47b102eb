package org.bergenholm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `bergenholm power on|off|reset|status ID`: drives the host's power through the server. */
@Command(name = "power", description = "Power a host on, off, reset it, or show its state.",
        mixinStandardHelpOptions = true)
public final class PowerCommand extends ClientCommand {
    /** Lower-case names so the command line matches the API words exactly. */
    enum Action { on, off, reset, status }

    @Parameters(index = "0", paramLabel = "ACTION", description = "on, off, reset or status")
    Action action;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Override
    protected int run(ApiClient api) {
        String path = "/power/" + ApiClient.segment(id);
        String what = "power " + action + " " + id;
        if (action == Action.status) {
            out().println(api.getJson(path, what).path("power").asText("unknown"));
        } else {
            String body = JsonNodeFactory.instance.objectNode().put("power", action.name()).toString();
            api.send("PUT", path, body, EntryCommands.JSON_TYPE, what);
        }
        return 0;
    }
}
