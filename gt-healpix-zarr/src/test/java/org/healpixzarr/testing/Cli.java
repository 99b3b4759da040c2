package org.healpixzarr.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.healpixzarr.cli.Main;

/** Runs the command line in-process, capturing its output (System.out too, which {@code hash} writes to). */
public final class Cli {
    private Cli() {}

    /** Exit code and captured output of one run. */
    public record Run(int code, String out, String err) {}

    /** Runs with empty standard input. */
    public static Run cli(String... args) {
        return cliWithInput("", args);
    }

    /** Runs with the given standard input. Not for parallel tests: System.out is redirected during the run. */
    public static synchronized Run cliWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream old = System.out;
        System.setOut(o);
        try {
            int code = Main.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }
}
