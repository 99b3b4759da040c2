package org.healpixzarr.server.ows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.healpixzarr.cli.Main;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;

/**
 * Stores converted in the test from the EarthCARE samples of gt-healpix-zarr (by the real CLI, in-process), and
 * layers over them.
 */
public final class SampleStores {
    /** The EarthCARE MSI aerosol product of frame 06109D (8000 pixels, native depth 14, overview 14). */
    public static final String AOT = "ECA_EXBA_MSI_AOT_2A_20250625T135845Z_20250929T143920Z_06109D.h5";

    private SampleStores() {}

    /** The gt-healpix-zarr sample folder (tests run in the module folder). */
    public static Path samples() {
        Path p = Path.of("../gt-healpix-zarr/src/test/resources/earthcare").toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) throw new IllegalStateException("samples not found at " + p);
        return p;
    }

    /** Converts one sample granule into {@code out} with {@code healpix-zarr convert earthcare}. */
    public static Path convert(String granule, Path out) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"convert", "earthcare", samples().resolve(granule).toString(), "-o", out.toString(), "-q", "--no-stac"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(0, code, e.toString(StandardCharsets.UTF_8));
        return out;
    }

    /** A layer of one variable of an open store, with the given styles (the default first). */
    public static Layer layer(String name, DggsStore store, String variable, List<Style> styles) throws IOException {
        return new Layer(name, name, List.of(CellSampler.of(store)), variable, new ArrayList<>(styles), store.bbox(), List.of());
    }
}
