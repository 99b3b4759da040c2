package org.healpixzarr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: commands, exit codes, messages. */
class MainTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream old = System.out;
        System.setOut(o); // hash writes to System.out directly for speed
        try {
            int code = Main.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Run r = run("", "--help");
        assertEquals(0, r.code());
        for (String c : new String[] {"demo", "convert", "info", "validate", "hash", "Exit codes"}) {
            assertTrue(r.out().contains(c), c + " missing from:\n" + r.out());
        }
    }

    @Test
    void hashPrintsHealpixGeoVectors() {
        Run r = run("0 6\n50 -12\n\n# comment\n25 45\n", "hash", "--depth", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("304\n573\n38\n", r.out());
        Run s = run("0 6\n", "hash", "--depth", "3", "--ellipsoid", "sphere");
        assertEquals(0, s.code(), s.err());
        Run d29 = run("0 6\n", "hash");
        assertEquals(0, d29.code());
        assertTrue(Long.parseLong(d29.out().strip()) >> 52 == 304, "depth-29 id must lie in depth-3 cell 304");
    }

    @Test
    void hashBadLineNamesTheLine() {
        Run r = run("0 6\n1 2 3\n", "hash");
        assertEquals(Main.BAD_DATA, r.code());
        assertTrue(r.err().contains("stdin line 2"), r.err());
        Run lat = run("0 91\n", "hash");
        assertEquals(Main.BAD_DATA, lat.code());
        assertTrue(lat.err().contains("line 1") && lat.err().contains("[-90, 90]"), lat.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(Main.USAGE, run("", "hash", "--depth", "30").code());
        assertEquals(Main.USAGE, run("", "hash", "--ellipsoid", "mars").code());
        assertEquals(Main.USAGE, run("", "frobnicate").code());
        assertEquals(Main.USAGE, run("", "convert", "earthcare").code());
        assertEquals(Main.USAGE, run("").code());
    }

    @Test
    void infoAndValidateOnSomethingThatIsNotAStore() throws Exception {
        Path notStore = Files.createDirectories(dir.resolve("x.zarr"));
        Run info = run("", "info", notStore.toString());
        assertEquals(Main.BAD_DATA, info.code());
        assertTrue(info.err().contains("zarr.json"), info.err());
        Run v = run("", "validate", notStore.toString());
        assertEquals(Main.BAD_DATA, v.code());
        assertTrue(v.err().contains("INVALID"), v.err());
    }

    @Test
    void demoConvertsValidatesAndDescribesTheBundledSample() {
        Run r = run("", "demo", "--data-dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("valid (8000 cells"), r.out());
        assertTrue(r.out().contains("isccp_cloud_type"), r.out());
        assertTrue(Files.isDirectory(dir.resolve("stores/EarthCARE_MSI_L2A_06109D.zarr")));
    }
}
