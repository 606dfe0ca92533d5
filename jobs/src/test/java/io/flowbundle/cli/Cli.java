package io.flowbundle.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What a command run through {@link Main#execute} printed and returned. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = Main.execute(new PrintWriter(stdout), new PrintWriter(stderr), args);
        return new Cli(exit, stdout.toString(), stderr.toString());
    }
}
