package org.bergenholm.cli;

import picocli.CommandLine.Command;

/** `bergenholm group ...`: the host commands minus the installed marks, on groups. */
@Command(name = "group", description = "Manage groups.", mixinStandardHelpOptions = true,
        subcommands = {EntryCommands.ListCmd.class, EntryCommands.Show.class, EntryCommands.Create.class,
                EntryCommands.Update.class, EntryCommands.Delete.class})
public final class GroupCommand implements EntryKind.Parent {
    @Override
    public EntryKind kind() {
        return EntryKind.GROUP;
    }
}
