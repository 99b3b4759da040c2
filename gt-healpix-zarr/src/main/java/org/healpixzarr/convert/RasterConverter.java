package org.healpixzarr.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjDoubleConsumer;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.DuplicatePolicy;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.dggs.WriteReport;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.input.raster.RasterFile;
import org.healpixzarr.zarr.DataType;

/**
 * Cell-point conversion of a georeferenced raster: every pixel centre, transformed to CRS:84 by Apache SIS, goes to
 * its depth-29 WGS84 cell; each band becomes a variable in its own data type. A pixel whose bands are all no-data
 * (or NaN) is skipped and counted, as is a pixel whose centre has no WGS84 position; a pixel with some no-data
 * bands keeps the no-data value in those. Two pixels in one cell: the first in row-major order is kept and the
 * collision counted (or the conversion fails under {@link DuplicatePolicy#FAIL}). Written through
 * {@link DggsWriter}, so the store is atomic and gets its overview pyramid. Stateless and thread-safe.
 */
public final class RasterConverter {
    private static final int BLOCK_PIXELS = 1 << 20;

    private RasterConverter() {}

    /**
     * Options.
     *
     * @param classes      bands hold classes (aggregated by mode) instead of quantities (mean)
     * @param policy       duplicate policy
     * @param memoryBudget writer memory budget, bytes
     * @param progress     (phase, fraction) or {@code null}
     */
    public record Options(boolean classes, DuplicatePolicy policy, long memoryBudget, ObjDoubleConsumer<String> progress) {}

    /** What one raster conversion did; {@code pixelsNoData} are counted in the conversion report's skipped pixels. */
    public record Report(ConversionReport conversion, long pixelsNoData, long pixelsOutside) {}

    /** Converts one opened raster into the store {@code out}. */
    public static Report convert(RasterFile raster, Path out, Options o) throws IOException, DataException {
        ObjDoubleConsumer<String> progress = o.progress() == null ? (s, f) -> { } : o.progress();
        int w = raster.width(), h = raster.height();
        List<RasterFile.Band> bands = raster.bands();
        String granule = raster.path().getFileName().toString().replaceFirst("\\.[A-Za-z0-9]+$", "");
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("title", granule);
        attrs.put("source", "georeferenced raster " + raster.path().getFileName() + " (" + w + " x " + h + " pixels, "
                + bands.size() + " band" + (bands.size() == 1 ? "" : "s") + ", CRS " + raster.crsName() + ")");
        DggsWriter.Builder b = DggsWriter.builder(out).ellipsoid(Ellipsoid.WGS84).depth(SwathConverter.DEPTH)
                .duplicatePolicy(o.policy()).memoryBudget(o.memoryBudget()).attributes(attrs)
                .created(Files.getLastModifiedTime(raster.path()).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        for (RasterFile.Band band : bands) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("long_name", band.description() != null ? band.description() : "band " + (band.index() + 1));
            a.put("source_band", band.index() + 1);
            Number fill = band.dataType().isFloat() ? (Number) Double.NaN : band.noData();
            b.variable(new VariableSpec(band.name(), band.dataType(), 1, fill, a, o.classes() ? VariableKind.CLASS : VariableKind.QUANTITY));
        }
        HealpixGrid grid = HealpixGrid.of(Ellipsoid.WGS84, SwathConverter.DEPTH);
        int rowsPerBlock = Math.max(1, BLOCK_PIXELS / Math.max(1, w));
        long noData = 0, outside = 0, kept = 0;
        progress.accept("read", 0);
        WriteReport r;
        Map<String, Object> facts = new LinkedHashMap<>();
        try (DggsWriter writer = b.build()) {
            for (int r0 = 0; r0 < h; r0 += rowsPerBlock) {
                int rows = Math.min(rowsPerBlock, h - r0), n = rows * w;
                double[] lon = new double[n], lat = new double[n];
                raster.lonLat(r0, rows, lon, lat);
                long[] ids = new long[n];
                grid.hash(lon, lat, ids, 0, n);
                Object[] cols = new Object[bands.size()];
                boolean[] valid = new boolean[n];
                for (int k = 0; k < cols.length; k++) {
                    cols[k] = raster.read(k, r0, rows);
                    markValid(cols[k], bands.get(k), valid);
                }
                for (int i = 0; i < n; i++) {
                    if (!valid[i]) {
                        noData++;
                        ids[i] = -1;
                    } else if (ids[i] < 0) {
                        outside++;
                    } else {
                        kept++;
                    }
                }
                writer.add(ids, cols, 0, n);
                progress.accept("read", (double) (r0 + rows) / h);
            }
            facts.put("granule", granule);
            facts.put("pixels_read", (long) w * h);
            facts.put("pixels_geolocated", kept);
            facts.put("pixels_nodata", noData);
            facts.put("pixels_without_geolocation", outside);
            facts.put("crs", raster.crsName());
            facts.put("sources", List.of(raster.path().getFileName().toString()));
            writer.facts(facts);
            progress.accept("write", 0);
            r = writer.finish();
            progress.accept("write", 1);
        }
        ConversionReport c = new ConversionReport(granule, r.store(), (long) w * h, kept, r.cellsWritten(), r.collisions(),
                r.cellsWithCollision(), r.objects(), r.bytes());
        return new Report(c, noData, outside);
    }

    /** Sets {@code valid[i]} where the band's value is neither no-data nor NaN. */
    private static void markValid(Object col, RasterFile.Band band, boolean[] valid) {
        Number nd = band.noData();
        if (col instanceof float[] v) {
            for (int i = 0; i < v.length; i++) if (!Float.isNaN(v[i])) valid[i] = true;
        } else if (col instanceof double[] v) {
            for (int i = 0; i < v.length; i++) if (!Double.isNaN(v[i])) valid[i] = true;
        } else if (col instanceof byte[] v) {
            int f = nd == null ? 256 : nd.intValue() & 0xFF;
            for (int i = 0; i < v.length; i++) if ((v[i] & 0xFF) != f) valid[i] = true;
        } else if (col instanceof short[] v) {
            int f = nd == null ? Integer.MIN_VALUE : band.dataType() == DataType.UINT16 ? nd.intValue() & 0xFFFF : nd.shortValue();
            boolean u = band.dataType() == DataType.UINT16;
            for (int i = 0; i < v.length; i++) if ((u ? v[i] & 0xFFFF : v[i]) != f) valid[i] = true;
        } else if (col instanceof int[] v) {
            long f = nd == null ? Long.MIN_VALUE : nd.longValue();
            for (int i = 0; i < v.length; i++) if (v[i] != f) valid[i] = true;
        }
    }
}
