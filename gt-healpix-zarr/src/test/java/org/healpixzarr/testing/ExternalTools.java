package org.healpixzarr.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs independent oracles and real clients (Debian's python3 with numpy/healpy/zarr/numcodecs/owslib/qgis, GDAL,
 * node) from tests; shared with the server module's tests through this module's test jar.
 * Outside CI a missing oracle skips the test; with {@code CI=true} (as {@code .ci/run} sets) a missing
 * oracle fails it, so that CI can never pass without the independent check having run.
 */
public final class ExternalTools {
    /** Debian's interpreter, which has the python3-* packages (the PATH one may be another). */
    public static final String PYTHON = "/usr/bin/python3";

    private ExternalTools() {}

    /** Whether we run under CI, where every oracle must be present. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Requires Debian's python3 with the given modules importable; skips (or fails under CI) otherwise. */
    public static void requirePython(String... modules) {
        String imports = modules.length == 0 ? "pass" : "import " + String.join(", ", modules);
        boolean ok;
        try {
            ok = Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", imports), Map.of()).exitCode == 0;
        } catch (IOException e) {
            ok = false;
        }
        require(ok, PYTHON + " with " + String.join(", ", modules) + " (Debian packages; .ci/run installs them)");
    }

    /** Requires a command on the PATH; skips (or fails under CI) otherwise. */
    public static void requireCommand(String command) {
        boolean ok;
        try {
            ok = run(List.of("sh", "-c", "command -v " + command), Map.of()).exitCode == 0;
        } catch (IOException e) {
            ok = false;
        }
        require(ok, "command " + command + " (.ci/run installs it)");
    }

    /**
     * Requires a file or directory to exist (e.g. {@code src/test/node/node_modules} after
     * {@code npm ci}); skips (or fails under CI) otherwise.
     *
     * @param path  the file or directory
     * @param setup how to create it, for the message (e.g. "npm ci in gt-healpix-zarr/src/test/node")
     */
    public static void requireFile(Path path, String setup) {
        require(Files.exists(path), path.toAbsolutePath() + " (" + setup + ")");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            if (ci()) fail("CI=true but the independent oracle is missing: " + what);
            assumeTrue(false, "skipped, oracle missing: " + what);
        }
    }

    /** Result of a process (fields, and the same as accessors). */
    public static final class Result {
        public final int exitCode;
        public final String stdout;
        public final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        public int exitCode() {
            return exitCode;
        }

        public String stdout() {
            return stdout;
        }

        public String stderr() {
            return stderr;
        }
    }

    /** Runs a command with optional stdin text, waits at most 10 minutes. */
    public static Result run(List<String> command, String stdin) throws IOException {
        return run(command, Map.of(), stdin);
    }

    /** Runs a command with extra environment variables, waits at most 10 minutes. */
    public static Result run(List<String> command, Map<String, String> env) throws IOException {
        return run(command, env, null);
    }

    /**
     * Runs a command with extra environment variables and optional stdin text, waits at most 10 minutes. The process
     * never goes through an HTTP proxy to loopback (servers under test listen there).
     */
    public static Result run(List<String> command, Map<String, String> env, String stdin) throws IOException {
        Path out = Files.createTempFile("oracle", ".out");
        Path err = Files.createTempFile("oracle", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> e = pb.environment();
            for (String v : List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")) e.remove(v);
            e.put("NO_PROXY", "127.0.0.1,localhost");
            e.put("no_proxy", "127.0.0.1,localhost");
            e.put("GDAL_HTTP_TIMEOUT", "120");
            if (env != null) e.putAll(env);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command and asserts exit code 0, returning stdout. */
    public static String runOk(List<String> command, String stdin) throws IOException {
        return runOk(command, Map.of(), stdin);
    }

    /** Runs a command with extra environment variables and asserts exit code 0, returning stdout. */
    public static String runOk(List<String> command, Map<String, String> env) throws IOException {
        return runOk(command, env, null);
    }

    /** Runs a command with extra environment variables and stdin text, asserts exit code 0, returns stdout. */
    public static String runOk(List<String> command, Map<String, String> env, String stdin) throws IOException {
        Result r = run(command, env, stdin);
        assertEquals(0, r.exitCode, () -> "command failed: " + command + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr);
        return r.stdout;
    }

    /** Runs a command without input and asserts exit code 0, returning stdout. */
    public static String runOk(String... command) throws IOException {
        return runOk(List.of(command), Map.of(), null);
    }
}
