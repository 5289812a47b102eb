package org.bergenholm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every command that talks to the server. It turns a ClientException into one line
 * on stderr and exit code 1 here, so the behaviour does not depend on how Main sets up its
 * exception handlers, and no stack trace ever reaches the user.
 */
@Command(mixinStandardHelpOptions = true)
public abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    /** Does the work; returns the exit code. */
    protected abstract int run(ApiClient api) throws ClientException;

    @Override
    public final Integer call() {
        try {
            return run(options.client());
        } catch (ClientException e) {
            err().println("bergenholm: " + e.getMessage());
            err().flush();
            return 1;
        } finally {
            out().flush();
        }
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
