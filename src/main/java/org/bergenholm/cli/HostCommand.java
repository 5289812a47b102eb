package org.bergenholm.cli;

import picocli.CommandLine.Command;

/** `bergenholm host ...`: manage hosts through the REST API. */
@Command(name = "host", description = "Manage hosts.", mixinStandardHelpOptions = true,
        subcommands = {EntryCommands.ListCmd.class, EntryCommands.Show.class, EntryCommands.Create.class,
                EntryCommands.Update.class, EntryCommands.Delete.class,
                EntryCommands.MarkInstalled.class, EntryCommands.UnmarkInstalled.class, HostEventsCommand.class})
public final class HostCommand implements EntryKind.Parent {
    @Override
    public EntryKind kind() {
        return EntryKind.HOST;
    }
}
