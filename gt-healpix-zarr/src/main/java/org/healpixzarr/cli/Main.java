package org.healpixzarr.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.healpixzarr.DataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code healpix-zarr} command line. Exit codes: {@value #OK} success, {@value #BAD_DATA} bad input or
 * invalid data (the message names the file, the variable, expected vs actual), {@value #USAGE} usage error,
 * {@value #IO} I/O or internal error.
 */
@Command(name = "healpix-zarr", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Earth-observation pixels to depth-29 WGS84 HEALPix cells (DGGS-Zarr), and back.",
        subcommands = {DemoCommand.class, ConvertCommand.class, InfoCommand.class, ValidateCommand.class, HashCommand.class,
                StacCommand.class, OverviewsCommand.class, RenderCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  bad input or invalid data (the message says what, where, expected vs actual)",
                "  2  usage error (unknown option, missing argument)", "  3  I/O or internal error"})
public final class Main implements Runnable {
    /** Success. */
    public static final int OK = 0;
    /** Bad input or invalid data. */
    public static final int BAD_DATA = 1;
    /** Usage error. */
    public static final int USAGE = 2;
    /** I/O or internal error. */
    public static final int IO = 3;

    @Option(names = {"-v", "--verbose"}, description = "Log progress details to stderr.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    InputStream stdin = System.in;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (see --help)");
    }

    /** Entry point: runs and exits with the exit code. */
    public static void main(String[] args) {
        compactHeap();
        int code;
        try {
            code = execute(args, System.in, System.out, System.err);
        } catch (OutOfMemoryError e) {
            System.err.println("error: out of memory (" + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB heap). Hint: give Java more memory, e.g. java -Xmx4g -jar healpix-zarr.jar ...");
            code = IO;
        } catch (Throwable t) {
            System.err.println("error: internal error: " + t);
            t.printStackTrace();
            code = IO;
        }
        System.exit(code);
    }

    /** Runs the command line with the given streams and returns the exit code (for tests and embedding). */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Main main = new Main();
        main.stdin = in;
        CommandLine cl = new CommandLine(main);
        for (CliExtension x : java.util.ServiceLoader.load(CliExtension.class)) {
            for (Object c : x.commands()) {
                String name = new CommandLine(c).getCommandName();
                if (cl.getSubcommands().containsKey(name)) cl.getCommandSpec().removeSubcommand(name);
                cl.addSubcommand(name, c);
            }
        }
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        // anonymous classes, not lambdas: every lambda spins a class at start-up
        cl.setExitCodeExceptionMapper(new CommandLine.IExitCodeExceptionMapper() {
            @Override
            public int getExitCode(Throwable t) {
                return exitCode(t);
            }
        });
        cl.setExecutionExceptionHandler(new CommandLine.IExecutionExceptionHandler() {
            @Override
            public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
                Throwable t = e;
                while ((t instanceof RuntimeException) && t.getCause() != null && !(t instanceof IllegalArgumentException)) {
                    t = t.getCause();
                }
                String msg = t.getMessage() == null ? t.toString() : t.getMessage();
                int code = exitCode(t);
                cmd.getErr().println("error: " + (code == IO && !(t instanceof IOException) ? t + "" : msg));
                if (main.verbose || code == IO && !(t instanceof IOException)) t.printStackTrace(cmd.getErr());
                cmd.getErr().flush();
                return code;
            }
        });
        cl.setParameterExceptionHandler(new CommandLine.IParameterExceptionHandler() {
            @Override
            public int handleParseException(CommandLine.ParameterException e, String[] a) {
                e.getCommandLine().getErr().println("error: " + e.getMessage());
                e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
                return USAGE;
            }
        });
        configureLogging(java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose"));
        return cl.execute(args);
    }

    /**
     * The conversions keep a small live set but allocate fast; G1's default free-ratio policy then grows the
     * heap to several times the live set. Unless the user sized the heap, ask it to keep less free memory
     * (manageable flags, so this needs no launcher script). Best effort: ignored where unsupported.
     */
    static void compactHeap() {
        try {
            for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("-Xmx") || a.contains("HeapFreeRatio") || a.contains("MaxRAM")) return;
            }
            var hs = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            hs.setVMOption("MinHeapFreeRatio", "10");
            hs.setVMOption("MaxHeapFreeRatio", "25");
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or flags not manageable: keep the JVM's defaults
        }
    }

    static int exitCode(Throwable t) {
        if (t instanceof DataException) return BAD_DATA;
        if (t instanceof CommandLine.ParameterException) return USAGE;
        if (t instanceof IllegalArgumentException) return BAD_DATA;
        return IO;
    }

    /** The CLI chooses the logging backend: java.util.logging, warnings only unless --verbose. */
    static void configureLogging(boolean verbose) {
        Logger root = Logger.getLogger("");
        root.setLevel(verbose ? Level.FINE : Level.WARNING);
        for (var h : root.getHandlers()) h.setLevel(verbose ? Level.FINE : Level.WARNING);
        // jHDF warns on every start that its build is a "development version": noise for users
        Logger.getLogger("io.jhdf").setLevel(verbose ? Level.FINE : Level.SEVERE);
        // Apache SIS warns with a stack trace for every missing optional side file (.prj, .tfw) of a raster
        Logger.getLogger("org.apache.sis.storage").setLevel(verbose ? Level.FINE : Level.SEVERE);
    }

    /** Version from the jar manifest. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"healpix-zarr " + (v == null ? "dev" : v)};
        }
    }
}
