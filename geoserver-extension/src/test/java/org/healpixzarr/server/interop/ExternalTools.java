package org.healpixzarr.server.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs real clients (GDAL, OWSLib under Debian's python3, headless Chromium through node) as external processes.
 * Outside CI a missing client skips the test; with {@code CI=true} (as {@code .ci/run} sets) it fails it, so that CI
 * can never pass without the client having run. Adapted from gt-healpix-zarr's {@code testing.ExternalTools}: the
 * processes get an environment that keeps loopback traffic off any proxy. (GDAL_PAM_ENABLED=NO is not set: GDAL
 * 3.6's WCS driver keeps its coverage descriptions in .aux.xml files of its cache and crashes without them.)
 */
final class ExternalTools {
    /** Debian's interpreter, which has python3-owslib (the PATH one may be another). */
    static final String PYTHON = "/usr/bin/python3";

    private ExternalTools() {}

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Requires Debian's python3 with the given modules importable; skips (or fails under CI) otherwise. */
    static void requirePython(String... modules) {
        boolean ok;
        try {
            ok = Files.isExecutable(Path.of(PYTHON))
                    && run(List.of(PYTHON, "-c", "import " + String.join(", ", modules)), Map.of()).exitCode() == 0;
        } catch (IOException e) {
            ok = false;
        }
        require(ok, PYTHON + " with " + String.join(", ", modules) + " (Debian packages; .ci/run installs them)");
    }

    /** Requires a command on the PATH; skips (or fails under CI) otherwise. */
    static void requireCommand(String command) {
        boolean ok;
        try {
            ok = run(List.of("sh", "-c", "command -v " + command), Map.of()).exitCode() == 0;
        } catch (IOException e) {
            ok = false;
        }
        require(ok, "command " + command + " (.ci/run installs it)");
    }

    /** Requires a file or folder, e.g. {@code node_modules} after {@code npm ci}; skips (or fails under CI) otherwise. */
    static void requireFile(Path path, String setup) {
        require(Files.exists(path), path.toAbsolutePath() + " (" + setup + ")");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            if (ci()) fail("CI=true but the client is missing: " + what);
            assumeTrue(false, "skipped, client missing: " + what);
        }
    }

    record Result(int exitCode, String stdout, String stderr) {}

    /** Runs a command with extra environment variables; waits at most 5 minutes. */
    static Result run(List<String> command, Map<String, String> env) throws IOException {
        return run(command, env, null);
    }

    /** Runs a command with extra environment variables and a standard input (null: none). */
    static Result run(List<String> command, Map<String, String> env, String stdin) throws IOException {
        Path out = Files.createTempFile("client", ".out");
        Path err = Files.createTempFile("client", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> e = pb.environment();
            // the server under test is on the loopback interface: never through a proxy
            for (String p : List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")) e.remove(p);
            e.put("NO_PROXY", "127.0.0.1,localhost");
            e.put("no_proxy", "127.0.0.1,localhost");
            e.put("GDAL_HTTP_TIMEOUT", "120");
            e.putAll(env);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
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
    static String runOk(List<String> command, Map<String, String> env) throws IOException {
        return runOk(command, env, null);
    }

    /** Runs a command with a standard input and asserts exit code 0, returning stdout. */
    static String runOk(List<String> command, Map<String, String> env, String stdin) throws IOException {
        Result r = run(command, env, stdin);
        assertEquals(0, r.exitCode(), () -> "command failed: " + command + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
        return r.stdout();
    }

    static String runOk(String... command) throws IOException {
        return runOk(List.of(command), Map.of());
    }
}
