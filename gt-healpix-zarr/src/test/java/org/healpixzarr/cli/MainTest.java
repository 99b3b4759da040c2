package org.healpixzarr.cli;

import org.healpixzarr.testing.Cli;
import org.healpixzarr.testing.Cli.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: commands, exit codes, messages. */
class MainTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Run r = Cli.cliWithInput("", "--help");
        assertEquals(0, r.code());
        for (String c : new String[] {"demo", "convert", "info", "validate", "hash", "Exit codes"}) {
            assertTrue(r.out().contains(c), c + " missing from:\n" + r.out());
        }
    }

    @Test
    void unknownDuplicatePolicyIsAUsageErrorOfEveryConverterThatTakesIt() throws Exception {
        Path in = Files.writeString(dir.resolve("in.tif"), "not read: the option is checked first");
        for (String kind : new String[] {"earthcare", "raster"}) {
            Run r = Cli.cli("convert", kind, in.toString(), "--duplicates", "merge", "-o", dir.resolve(kind + ".zarr").toString());
            assertEquals(2, r.code(), kind + ": " + r.err());
            assertTrue(r.err().contains("--duplicates must be keep-first or fail, found 'merge'"), kind + ": " + r.err());
            assertTrue(!Files.exists(dir.resolve(kind + ".zarr")), kind + ": nothing written");
        }
    }

    @Test
    void hashPrintsHealpixGeoVectors() {
        Run r = Cli.cliWithInput("0 6\n50 -12\n\n# comment\n25 45\n", "hash", "--depth", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("304\n573\n38\n", r.out());
        Run s = Cli.cliWithInput("0 6\n", "hash", "--depth", "3", "--ellipsoid", "sphere");
        assertEquals(0, s.code(), s.err());
        Run d29 = Cli.cliWithInput("0 6\n", "hash");
        assertEquals(0, d29.code());
        assertTrue(Long.parseLong(d29.out().strip()) >> 52 == 304, "depth-29 id must lie in depth-3 cell 304");
    }

    @Test
    void hashBadLineNamesTheLine() {
        Run r = Cli.cliWithInput("0 6\n1 2 3\n", "hash");
        assertEquals(Main.BAD_DATA, r.code());
        assertTrue(r.err().contains("stdin line 2"), r.err());
        Run lat = Cli.cliWithInput("0 91\n", "hash");
        assertEquals(Main.BAD_DATA, lat.code());
        assertTrue(lat.err().contains("line 1") && lat.err().contains("[-90, 90]"), lat.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(Main.USAGE, Cli.cliWithInput("", "hash", "--depth", "30").code());
        assertEquals(Main.USAGE, Cli.cliWithInput("", "hash", "--ellipsoid", "mars").code());
        assertEquals(Main.USAGE, Cli.cliWithInput("", "frobnicate").code());
        assertEquals(Main.USAGE, Cli.cliWithInput("", "convert", "earthcare").code());
        assertEquals(Main.USAGE, Cli.cliWithInput("").code());
    }

    @Test
    void infoAndValidateOnSomethingThatIsNotAStore() throws Exception {
        Path notStore = Files.createDirectories(dir.resolve("x.zarr"));
        Run info = Cli.cliWithInput("", "info", notStore.toString());
        assertEquals(Main.BAD_DATA, info.code());
        assertTrue(info.err().contains("zarr.json"), info.err());
        Run v = Cli.cliWithInput("", "validate", notStore.toString());
        assertEquals(Main.BAD_DATA, v.code());
        assertTrue(v.err().contains("INVALID"), v.err());
    }

    @Test
    void demoConvertsValidatesAndDescribesTheBundledSample() {
        Run r = Cli.cliWithInput("", "demo", "--data-dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("valid (8000 cells"), r.out());
        assertTrue(r.out().contains("isccp_cloud_type"), r.out());
        assertTrue(Files.isDirectory(dir.resolve("stores/EarthCARE_MSI_L2A_06109D.zarr")));
    }
}
