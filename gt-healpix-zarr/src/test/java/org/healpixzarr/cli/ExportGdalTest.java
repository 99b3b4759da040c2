package org.healpixzarr.cli;

import static org.healpixzarr.testing.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.Crs;
import org.healpixzarr.coverage.Samples;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.testing.Cli;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * {@code export} read back by GDAL (gdalinfo -json, gdallocationinfo -valonly) in CRS:84, EPSG:4326, EPSG:3857 and
 * a UTM zone: CRS, geotransform, size, no-data, and values equal to the sampler's; {@code render} PNG sizes.
 */
class ExportGdalTest {
    @TempDir
    static Path dir;
    static Path cop;
    static final String BOX = "6.2,44.0,6.9,44.9";

    @BeforeAll
    static void convert() throws Exception {
        Path h5 = Path.of(ExportGdalTest.class.getResource(
                "/earthcare/ECA_EXBA_MSI_COP_2A_20250625T135845Z_20250929T143920Z_06109D.h5").toURI());
        cop = dir.resolve("cop.zarr");
        Cli.Run r = cli("convert", "earthcare", h5.toString(), "-o", cop.toString(), "--no-stac");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void gdalSeesTheGridAndTheSamplersValues() throws Exception {
        ExternalTools.requireCommand("gdalinfo");
        ExternalTools.requireCommand("gdallocationinfo");
        String variable = "cloud_optical_thickness";
        for (String[] c : List.of(new String[] {"CRS:84", "4326"}, new String[] {"EPSG:4326", "4326"},
                new String[] {"EPSG:3857", "3857"}, new String[] {"EPSG:32632", "32632"})) {
            Path out = dir.resolve("cot-" + c[1] + "-" + c[0].replace(':', '_') + ".tif");
            Cli.Run r = cli("export", cop.toString(), "--var", variable, "--bbox", BOX, "--crs", c[0], "--size", "360x640",
                    "-o", out.toString());
            assertEquals(0, r.code(), r.err());
            JsonNode info = new ObjectMapper().readTree(ExternalTools.runOk(List.of("gdalinfo", "-json", out.toString()), Map.of()));
            assertEquals(360, info.get("size").get(0).asInt());
            assertEquals(640, info.get("size").get(1).asInt());
            assertTrue(info.get("coordinateSystem").get("wkt").asText().trim().endsWith("ID[\"EPSG\"," + c[1] + "]]"), c[0]);
            assertEquals(1, info.get("bands").size());
            assertEquals("NaN", info.get("bands").get(0).get("noDataValue").asText());
            assertEquals("Float32", info.get("bands").get(0).get("type").asText());
            // geotransform: the lon/lat box converted to the CRS, as the command does, in x (east), y (north) order
            CoordinateReferenceSystem crs = Crs.decode(c[0]);
            double[] box = MapRequest.toCrs(crs, 6.2, 44.0, 6.9, 44.9);
            int e = MapRequest.eastAxis(crs), n = 1 - e;
            JsonNode gt = info.get("geoTransform");
            double[] want = {box[e], (box[2 + e] - box[e]) / 360, 0, box[2 + n], 0, -(box[2 + n] - box[n]) / 640};
            for (int k = 0; k < 6; k++) assertEquals(want[k], gt.get(k).asDouble(), Math.abs(want[k]) * 1e-12 + 1e-12, c[0] + " gt " + k);
            // values: gdallocationinfo at pixels with and without data vs the sampler on the same grid
            Samples s;
            try (DggsStore st = DggsStore.open(cop)) {
                s = CellSampler.of(st).sample(TargetGrid.of(crs, box, 360, 640), List.of(variable));
            }
            List<Integer> with = new ArrayList<>(), without = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) (Double.isNaN(s.value(variable, 0, i)) ? without : with).add(i);
            assertTrue(with.size() >= 30 && without.size() >= 8, c[0] + ": pixels with values " + with.size());
            List<int[]> px = new ArrayList<>();
            for (int k = 0; k < 30; k++) px.add(xy(with.get(k * with.size() / 30)));
            for (int k = 0; k < 8; k++) px.add(xy(without.get(k * without.size() / 8)));
            StringBuilder in = new StringBuilder();
            for (int[] p : px) in.append(p[0]).append(' ').append(p[1]).append('\n');
            String[] got = ExternalTools.runOk(List.of("gdallocationinfo", "-valonly", out.toString()), in.toString()).trim().split("\\s+");
            assertEquals(px.size(), got.length);
            for (int k = 0; k < px.size(); k++) {
                float expect = (float) s.value(variable, 0, px.get(k)[1] * 360 + px.get(k)[0]);
                assertEquals(expect, Float.parseFloat(got[k].replace("nan", "NaN")), 0f, c[0] + " pixel " + px.get(k)[0] + "," + px.get(k)[1]);
            }
        }
    }

    private static int[] xy(int i) {
        return new int[] {i % 360, i / 360};
    }

    @Test
    void renderWritesThePngOfTheRequestedOrDefaultSize() throws Exception {
        Path out = dir.resolve("cot.png");
        Cli.Run r = cli("render", cop.toString(), "--var", "cloud_optical_thickness", "--bbox", BOX, "--size", "300x200",
                "--crs", "EPSG:3857", "-o", out.toString(), "--legend");
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(300, img.getWidth());
        assertEquals(200, img.getHeight());
        r = cli("render", cop.toString(), "--var", "isccp_cloud_type", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        img = ImageIO.read(out.toFile());
        try (DggsStore st = DggsStore.open(cop)) {
            double[] b = st.bbox(); // default box: the store's; longer side 1024, aspect of the box in CRS:84 degrees
            assertEquals(1024, img.getHeight());
            assertEquals(Math.round(1024 * (b[2] - b[0]) / (b[3] - b[1])), img.getWidth());
        }
        r = cli("render", cop.toString(), "--var", "cloud_top_height", "--bbox", BOX, "--size", "64", "-o", out.toString(),
                "--range", "0,15000", "--style", "magma");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("style magma 0 to 15000"), r.out());
        assertEquals(64, ImageIO.read(out.toFile()).getWidth());
    }
}
