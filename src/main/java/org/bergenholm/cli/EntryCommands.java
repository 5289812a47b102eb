package org.bergenholm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Subcommands shared by `host` and `group`: written once, each finds out from its parent
 * command whether it works on hosts or groups.
 */
final class EntryCommands {
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String JSON_TYPE = "application/json";

    private EntryCommands() {}

    /** Sorted names from {"hosts": [...]} / {"groups": [...]} / {"templates": [...]}. */
    static List<String> names(JsonNode answer, String field) {
        List<String> ids = new ArrayList<>();
        answer.path(field).forEach(n -> ids.add(n.asText()));
        Collections.sort(ids);
        return ids;
    }

    abstract static class Base extends ClientCommand {
        @ParentCommand
        EntryKind.Parent parent;

        EntryKind kind() {
            return parent.kind();
        }
    }

    @Command(name = "list", description = "Print the ids, one per line, sorted.")
    static final class ListCmd extends Base {
        @Option(names = {"-q", "--query"}, paramLabel = "KEY=VALUE",
                description = "only entries whose own parameter KEY equals VALUE (repeatable, all must match)")
        Map<String, String> query = new LinkedHashMap<>();

        @Override
        protected int run(ApiClient api) {
            JsonNode answer = api.getJson(kind().listPath() + ApiClient.query(query), kind().plural());
            names(answer, kind().plural()).forEach(out()::println);
            return 0;
        }
    }

    @Command(name = "show", description = "Print the parameters as JSON.")
    static final class Show extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--all", description = "resolved parameters, with those inherited from groups")
        boolean all;

        @Override
        protected int run(ApiClient api) {
            JsonNode params = api.getJson(kind().path(id) + (all ? "?params=all" : ""), kind().what(id));
            try {
                // Masked here too: a 1.0 server sends secrets in the clear.
                out().println(PRETTY.writeValueAsString(params.isObject() ? org.bergenholm.inventory.Secrets.masked(
                        PRETTY.convertValue(params, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }))
                        : params));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ClientException(kind().what(id) + ": cannot print: " + e.getOriginalMessage());
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Create from a JSON file (- = stdin).")
    static final class Create extends Base {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        protected int run(ApiClient api) {
            api.send("POST", kind().path(id), Inputs.readJsonObject(file), JSON_TYPE, kind().what(id));
            return 0;
        }
    }

    @Command(name = "update", description = "Replace all parameters from a JSON file (- = stdin).")
    static final class Update extends Base {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        protected int run(ApiClient api) {
            api.send("PUT", kind().path(id), Inputs.readJsonObject(file), JSON_TYPE, kind().what(id));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete.")
    static final class Delete extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        protected int run(ApiClient api) {
            api.send("DELETE", kind().path(id), null, null, kind().what(id));
            return 0;
        }
    }

    @Command(name = "mark-installed", description = "Add the group `installed` to the host.")
    static final class MarkInstalled extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        protected int run(ApiClient api) {
            api.get(kind().path(id) + "?installed=mark", kind().what(id));
            return 0;
        }
    }

    @Command(name = "unmark-installed", description = "Remove the group `installed` from the host.")
    static final class UnmarkInstalled extends Base {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        protected int run(ApiClient api) {
            api.get(kind().path(id) + "?installed=unmark", kind().what(id));
            return 0;
        }
    }
}
