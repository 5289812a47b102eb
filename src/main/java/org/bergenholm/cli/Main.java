package org.bergenholm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `bergenholm`: the server (`serve`) and the clients of its REST API. */
@Command(name = "bergenholm", mixinStandardHelpOptions = true, version = "bergenholm 2.0.0",
        description = "Network boot and kickstart install appliance.",
        subcommands = {ServeCommand.class, HostCommand.class, GroupCommand.class, TemplateCommand.class,
                PowerCommand.class, ImportCommand.class, ImageCommand.class, DoctorCommand.class, ConfigCommand.class,
                UserCommand.class, TokenCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with one-line error messages instead of stack traces. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("bergenholm: " + ex.getMessage());
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
