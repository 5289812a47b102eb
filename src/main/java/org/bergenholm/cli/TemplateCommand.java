package org.bergenholm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `bergenholm template ...`: templates are raw text, sent and printed byte for byte. */
@Command(name = "template", description = "Manage templates.", mixinStandardHelpOptions = true,
        subcommands = {TemplateCommand.ListCmd.class, TemplateCommand.Show.class, TemplateCommand.Create.class,
                TemplateCommand.Update.class, TemplateCommand.Delete.class})
public final class TemplateCommand {
    static final String TEXT_TYPE = "text/plain; charset=utf-8";

    static String path(String name) {
        return "/templates/" + ApiClient.segment(name);
    }

    @Command(name = "list", description = "Print the template names, one per line, sorted.")
    static final class ListCmd extends ClientCommand {
        @Override
        protected int run(ApiClient api) {
            EntryCommands.names(api.getJson("/templates/", "templates"), "templates").forEach(out()::println);
            return 0;
        }
    }

    @Command(name = "show", description = "Print a template's text, or with --host, as rendered for that host.")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--host", paramLabel = "ID", description = "render with this host's resolved parameters")
        String host;

        @Override
        protected int run(ApiClient api) {
            String p = host == null ? path(name) : path(name) + "/" + ApiClient.segment(host);
            // print, not println: `template show x > f` must give back exactly what was stored.
            out().print(api.get(p, "template " + name));
            return 0;
        }
    }

    @Command(name = "create", description = "Create a template from a text file (- = stdin).")
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        protected int run(ApiClient api) {
            api.send("POST", path(name), Inputs.readText(file), TEXT_TYPE, "template " + name);
            return 0;
        }
    }

    @Command(name = "update", description = "Replace a template's text from a file (- = stdin).")
    static final class Update extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        protected int run(ApiClient api) {
            api.send("PUT", path(name), Inputs.readText(file), TEXT_TYPE, "template " + name);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a template.")
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        protected int run(ApiClient api) {
            api.send("DELETE", path(name), null, null, "template " + name);
            return 0;
        }
    }
}
