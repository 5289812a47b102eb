package org.bergenholm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `bergenholm token create|list|revoke`: API bearer tokens. */
@Command(name = "token", description = "Manage API bearer tokens.", mixinStandardHelpOptions = true,
        subcommands = {TokenCommand.Create.class, TokenCommand.ListCmd.class, TokenCommand.Revoke.class})
public final class TokenCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenCommand() {}

    @Command(name = "create", description = "Create a token and print its secret: the only time it is shown.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        protected int run(ApiClient api) {
            ApiClient.Response r = api.send("POST", "/tokens/" + ApiClient.segment(name), "", null, "token " + name);
            try {
                out().println(JSON.readTree(r.body()).path("token").asText());
            } catch (java.io.IOException e) {
                throw new ClientException("token " + name + ": the server answered something that is not JSON");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Print the tokens, one per line: name and creation time (never the secret).")
    static final class ListCmd extends ClientCommand {
        @Override
        protected int run(ApiClient api) {
            for (JsonNode t : api.getJson("/tokens", "tokens").path("tokens")) {
                out().println(t.path("name").asText() + "\t" + t.path("created").asText());
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token: requests carrying it are refused from now on.")
    static final class Revoke extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        protected int run(ApiClient api) {
            api.send("DELETE", "/tokens/" + ApiClient.segment(name), null, null, "token " + name);
            return 0;
        }
    }
}
