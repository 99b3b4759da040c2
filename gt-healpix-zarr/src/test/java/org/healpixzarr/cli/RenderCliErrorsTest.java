package org.healpixzarr.cli;

import static org.healpixzarr.testing.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.healpixzarr.testing.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** render/export reject bad requests with exit 1 (data) or 2 (usage), naming expected vs actual, and write nothing. */
class RenderCliErrorsTest {
    @TempDir
    static Path dir;
    static Path cm;

    @BeforeAll
    static void convert() throws Exception {
        Path h5 = Path.of(RenderCliErrorsTest.class.getResource(
                "/earthcare/ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06109D.h5").toURI());
        cm = dir.resolve("cm.zarr");
        Cli.Run r = cli("convert", "earthcare", h5.toString(), "-o", cm.toString(), "--no-stac");
        assertEquals(0, r.code(), r.err());
    }

    private static void expect(int code, String message, String command, String... args) {
        Path out = dir.resolve(command.equals("render") ? "out.png" : "out.tif");
        List<String> a = new ArrayList<>(List.of(command, cm.toString()));
        a.addAll(List.of(args));
        a.addAll(List.of("-o", out.toString()));
        Cli.Run r = cli(a.toArray(String[]::new));
        assertEquals(code, r.code(), String.join(" ", args) + "\n" + r.err());
        assertTrue(r.err().contains(message), "message must contain '" + message + "': " + r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void dataErrorsExitOne() {
        for (String c : List.of("render", "export")) {
            expect(1, "no variable 'nope'; expected one of [time, cloud_mask", c, "--var", "nope");
            expect(1, "not supported; expected CRS:84, EPSG:4326, EPSG:3857", c, "--var", "cloud_mask", "--crs", "EPSG:2154");
        }
        expect(1, "unknown style 'viridis'; expected one of [classes]", "render", "--var", "cloud_mask", "--style", "viridis");
        expect(1, "no band 1; expected bands 0..0", "export", "--var", "cloud_mask", "--bands", "0,1", "--size", "10x10");
    }

    @Test
    void usageErrorsExitTwo() {
        expect(2, "--bbox: expected W,S,E,N (4 numbers, degrees), found '1,2,3'", "render", "--var", "cloud_mask", "--bbox", "1,2,3");
        expect(2, "expected -90 <= S < N <= 90, found S=50.0 N=40.0", "export", "--var", "cloud_mask", "--bbox", "0,50,10,40");
        expect(2, "W != E", "render", "--var", "cloud_mask", "--bbox", "5,40,5,50");
        expect(2, "--size: expected 1..16384 pixels a side", "render", "--var", "cloud_mask", "--size", "0x5");
        expect(2, "found 20000x10", "export", "--var", "cloud_mask", "--size", "20000x10");
        expect(2, "--size: expected WxH or W (pixels), found 'big'", "render", "--var", "cloud_mask", "--size", "big");
        expect(2, "is a palette, not a colour map", "render", "--var", "cloud_mask", "--range", "1,2");
        expect(2, "--range: expected LO,HI with LO < HI, found '2,1'", "render", "--var", "cloud_mask", "--range", "2,1");
        expect(2, "--background: expected #RRGGBB or #AARRGGBB, found 'red'", "render", "--var", "cloud_mask", "--background", "red");
        expect(2, "--bands: expected a list like 0,3,5-9, found '3-1'", "export", "--var", "cloud_mask", "--bands", "3-1");
        expect(2, "Missing required option: '--var=VARIABLE'", "render");
    }
}
