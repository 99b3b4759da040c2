package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Map;
import org.apache.sis.coverage.grid.GridExtent;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.coverage.grid.PixelInCell;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.operation.matrix.Matrix3;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.healpixzarr.FormatException;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/** The GeoTIFF bytes, read back by GDAL (an independent reader): georeferencing, no-data, values. */
class TiffWriterGdalTest {
    @TempDir
    Path dir;

    /** A grid whose corner transform maps (i, j) to x = x0 + i px, y = y0 − j py, in the CRS's axis order. */
    static GridGeometry grid(CoordinateReferenceSystem crs, boolean latFirst, int w, int h, double x0, double y0, double px, double py) {
        Matrix3 m = latFirst ? new Matrix3(0, -py, y0, px, 0, x0, 0, 0, 1) : new Matrix3(px, 0, x0, 0, -py, y0, 0, 0, 1);
        return new GridGeometry(new GridExtent(w, h), PixelInCell.CELL_CORNER, MathTransforms.linear(m), crs);
    }

    record Case(String name, CoordinateReferenceSystem crs, boolean latFirst, int epsg, double x0, double y0, double px, double py) {}

    static List<Case> cases() throws Exception {
        return List.of(
                new Case("CRS:84", CommonCRS.WGS84.normalizedGeographic(), false, 4326, 10, 45, 0.5, 0.25),
                new Case("EPSG:4326", CommonCRS.WGS84.geographic(), true, 4326, 10, 45, 0.5, 0.25),
                new Case("EPSG:3857", CRS.forCode("EPSG:3857"), false, 3857, 1_000_000, 5_000_000, 1000, 500),
                new Case("UTM 33N", CommonCRS.WGS84.universal(45, 15), false, 32633, 500_000, 5_000_000, 10, 10),
                new Case("UTM 23S", CommonCRS.WGS84.universal(-20, -45), false, 32723, 400_000, 7_800_000, 10, 20));
    }

    @Test
    void gdalReadsGeoreferencingNoDataAndValues() throws Exception {
        ExternalTools.requireCommand("gdalinfo");
        ExternalTools.requireCommand("gdallocationinfo");
        int w = 300, h = 130, bands = 2; // several strips per band
        Random rnd = new Random(5);
        float[][] v = new float[bands][w * h];
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < w * h; i++) v[b][i] = rnd.nextInt(10) == 0 ? Float.NaN : (float) (rnd.nextGaussian() * 100 + b);
        }
        for (Case c : cases()) {
            TiffWriter.GeoRef geo = GeoTiffExport.geoRef(grid(c.crs(), c.latFirst(), w, h, c.x0(), c.y0(), c.px(), c.py()));
            assertEquals(c.epsg(), geo.epsg(), c.name());
            TiffWriter t = new TiffWriter(w, h, bands, geo);
            for (int b = 0; b < bands; b++) {
                int step = t.rowsPerStrip() * 2; // add in blocks of two strips
                for (int r = 0; r < h; r += step) {
                    int n = Math.min(step, h - r);
                    float[] block = new float[n * w];
                    System.arraycopy(v[b], r * w, block, 0, n * w);
                    t.rows(b, r, block);
                }
            }
            Path f = dir.resolve(c.name().replaceAll("\\W", "_") + ".tif");
            try (OutputStream out = Files.newOutputStream(f)) {
                t.writeTo(out);
            }
            ExternalTools.Result r = ExternalTools.run(List.of("gdalinfo", "-json", f.toString()), Map.of());
            assertEquals(0, r.exitCode, r.stderr);
            assertEquals("", r.stderr.trim(), c.name() + ": GDAL warnings");
            JsonNode info = new ObjectMapper().readTree(r.stdout);
            assertEquals(w, info.get("size").get(0).asInt(), c.name());
            assertEquals(h, info.get("size").get(1).asInt(), c.name());
            JsonNode gt = info.get("geoTransform");
            double[] expected = {c.x0(), c.px(), 0, c.y0(), 0, -c.py()};
            for (int k = 0; k < 6; k++) assertEquals(expected[k], gt.get(k).asDouble(), 1e-9, c.name() + " geotransform " + k);
            String wkt = info.get("coordinateSystem").get("wkt").asText().trim();
            assertTrue(wkt.endsWith("ID[\"EPSG\"," + c.epsg() + "]]"), c.name() + ": " + wkt);
            assertEquals("Area", info.get("metadata").get("").get("AREA_OR_POINT").asText());
            assertEquals(bands, info.get("bands").size());
            for (JsonNode b : info.get("bands")) {
                assertEquals("Float32", b.get("type").asText());
                assertEquals("NaN", b.get("noDataValue").asText(), c.name());
            }
            StringBuilder pts = new StringBuilder();
            int[][] px = {{0, 0}, {w - 1, h - 1}, {17, 63}, {299, 0}, {0, 129}, {150, 77}, {211, 54}, {212, 55}};
            for (int[] p : px) pts.append(p[0]).append(' ').append(p[1]).append('\n');
            String[] got = ExternalTools.runOk(List.of("gdallocationinfo", "-valonly", f.toString()), pts.toString()).trim().split("\\s+");
            assertEquals(px.length * bands, got.length);
            for (int k = 0; k < px.length; k++) {
                for (int b = 0; b < bands; b++) {
                    float want = v[b][px[k][1] * w + px[k][0]];
                    float read = Float.parseFloat(got[k * bands + b].replace("nan", "NaN"));
                    assertEquals(want, read, 0f, c.name() + " pixel " + px[k][0] + "," + px[k][1] + " band " + b);
                }
            }
        }
    }

    @Test
    void rotatedGridsAndCrsWithoutCodeAreRefused() throws Exception {
        var rotated = new GridGeometry(new GridExtent(4, 4), PixelInCell.CELL_CORNER,
                MathTransforms.linear(new Matrix3(1, 0.1, 0, 0, -1, 0, 0, 0, 1)), CommonCRS.WGS84.normalizedGeographic());
        assertTrue(assertThrows(FormatException.class, () -> GeoTiffExport.geoRef(rotated)).getMessage().contains("north-up"));
        var southUp = grid(CommonCRS.WGS84.normalizedGeographic(), false, 4, 4, 0, 0, 1, -1);
        assertThrows(FormatException.class, () -> GeoTiffExport.geoRef(southUp));
        CoordinateReferenceSystem custom = CRS.fromWKT("PROJCRS[\"custom\",BASEGEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\","
                + "ELLIPSOID[\"WGS 84\",6378137,298.257223563]]],CONVERSION[\"c\",METHOD[\"Lambert Azimuthal Equal Area\"],"
                + "PARAMETER[\"Latitude of natural origin\",52],PARAMETER[\"Longitude of natural origin\",11]],"
                + "CS[Cartesian,2],AXIS[\"x\",east,LENGTHUNIT[\"metre\",1]],AXIS[\"y\",north,LENGTHUNIT[\"metre\",1]]]");
        var g = grid(custom, false, 4, 4, 0, 0, 1, 1);
        assertTrue(assertThrows(FormatException.class, () -> GeoTiffExport.geoRef(g)).getMessage().contains("CRS not supported"));
    }
}
