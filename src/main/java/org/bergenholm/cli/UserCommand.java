package org.bergenholm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `bergenholm user add|list|delete`: API users (HTTP Basic), kept hashed by the server. */
@Command(name = "user", description = "Manage API users.", mixinStandardHelpOptions = true,
        subcommands = {UserCommand.Add.class, UserCommand.ListCmd.class, UserCommand.Delete.class})
public final class UserCommand {
    private UserCommand() {}

    @Command(name = "add", description = "Add a user; the password is read from FILE (- = stdin, first line).")
    static final class Add extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        // Not an option value: a password on the command line is visible to every user of the machine.
        @Option(names = "--password-file", paramLabel = "FILE", required = true,
                description = "file whose first line is the new user's password (- = stdin)")
        String passwordFile;

        @Override
        protected int run(ApiClient api) {
            String password = Inputs.readText(passwordFile).lines().findFirst().orElse("");
            String body = JsonNodeFactory.instance.objectNode().put("password", password).toString();
            api.send("POST", "/users/" + ApiClient.segment(name), body, EntryCommands.JSON_TYPE, "user " + name);
            return 0;
        }
    }

    @Command(name = "list", description = "Print the users, one per line: name and where it is defined.")
    static final class ListCmd extends ClientCommand {
        @Override
        protected int run(ApiClient api) {
            for (JsonNode u : api.getJson("/users", "users").path("users")) {
                out().println(u.path("name").asText() + "\t" + u.path("source").asText());
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a user of the database.")
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        protected int run(ApiClient api) {
            api.send("DELETE", "/users/" + ApiClient.segment(name), null, null, "user " + name);
            return 0;
        }
    }
}
