package org.bergenholm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real top command in-process and captures what it prints. */
final class Cli {
    record Result(int exit, String out, String err) {
        /** Stderr must be exactly one line for an error. */
        String errLine() {
            String[] lines = err.split("\\R");
            if (lines.length != 1) {
                throw new AssertionError("expected one line on stderr, got: " + err);
            }
            return lines[0];
        }
    }

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(); // the same setup as the real executable
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs a client command against url: appends --url so every test names its server. */
    static Result at(String url, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--url";
        all[args.length + 1] = url;
        return run(all);
    }
}
