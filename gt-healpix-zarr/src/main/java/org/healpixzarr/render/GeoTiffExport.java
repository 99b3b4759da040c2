package org.healpixzarr.render;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.coverage.grid.PixelInCell;
import org.apache.sis.metadata.iso.citation.Citations;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.IdentifiedObjects;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.apache.sis.util.Utilities;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.Samples;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.referencing.cs.AxisDirection;
import org.opengis.referencing.operation.Matrix;
import org.opengis.util.FactoryException;

/**
 * Exports the values of a variable on a target grid as a float32 GeoTIFF: one band per requested band of the
 * variable, NaN where there is no value (declared with the GDAL_NODATA tag), georeferenced in the grid's CRS
 * (GeoKeys for EPSG:4326 — also for CRS:84, the same CRS in x,y order — EPSG:3857 and the WGS 84 UTM zones, or any
 * CRS with an EPSG code; ModelPixelScale + ModelTiepoint of the top-left corner; pixels are areas). Values are the
 * sampler's (quantised variables such as TESSERA {@code embeddings} are written dequantised, value × scale).
 *
 * <p>Written by this class rather than Apache SIS 1.6's GeoTIFF writer, which georeferences correctly but writes
 * no GDAL_NODATA tag. Deflate-compressed strips; classic TIFF, so at most 4 GiB. Large requests are sampled in
 * blocks of rows (all at the grid's pixel size, so one overview depth for the whole image).
 *
 * <p>Stateless and thread-safe.
 */
public final class GeoTiffExport {
    /** Values sampled per block at most (pixels × bands); a variable for tests. */
    static volatile long blockValues = 1 << 24;

    private GeoTiffExport() {}

    /**
     * Samples {@code variable} on {@code grid} and writes the GeoTIFF to {@code out} (not closed).
     *
     * @param bands band indices to export, in this order; empty (or {@code null}): all bands
     * @throws DataException if the variable or a band does not exist, or the grid's CRS has no GeoTIFF encoding
     *                       here (not north-up, no EPSG code)
     */
    public static void write(CellSampler sampler, TargetGrid grid, String variable, int[] bands, OutputStream out)
            throws IOException, DataException {
        DggsStore store = sampler.store();
        VariableInfo v = store.variable(variable);
        int[] b = bands(store, v, bands);
        TiffWriter.GeoRef geo = geoRef(grid.gridGeometry());
        int w = grid.width(), h = grid.height();
        String scaleVar = Dequantisation.scaleVariable(store, variable);
        List<String> vars = scaleVar == null ? List.of(variable) : List.of(variable, scaleVar);
        TiffWriter tiff = new TiffWriter(w, h, b.length, geo);
        int strip = tiff.rowsPerStrip();
        long perRow = (long) w * (b.length + 1);
        int blockRows = (int) Math.max(strip, blockValues / perRow / strip * strip);
        if (blockRows >= h) {
            Samples s = sampler.sample(grid, vars);
            addRows(tiff, s, 0, w * h, 0, variable, scaleVar, b);
        } else {
            double[] lon = grid.lon(), lat = grid.lat();
            for (int row0 = 0; row0 < h; row0 += blockRows) {
                int from = row0 * w, to = Math.min(h, row0 + blockRows) * w;
                Samples s = sampler.sample(Arrays.copyOfRange(lon, from, to), Arrays.copyOfRange(lat, from, to),
                        grid.pixelSizeMetres(), vars);
                addRows(tiff, s, 0, to - from, row0, variable, scaleVar, b);
            }
        }
        tiff.writeTo(out);
    }

    private static void addRows(TiffWriter tiff, Samples s, int from, int to, int row0, String variable, String scaleVar,
                                int[] bands) {
        float[] scale = scaleVar == null ? null : s.band(scaleVar, 0);
        for (int k = 0; k < bands.length; k++) {
            float[] values = new float[to - from];
            for (int i = from; i < to; i++) {
                double x = s.value(variable, bands[k], i);
                if (scale != null) x = Dequantisation.validScale(scale[i], null) ? x * scale[i] : Double.NaN;
                values[i - from] = (float) x;
            }
            tiff.rows(k, row0, values);
        }
    }

    static int[] bands(DggsStore store, VariableInfo v, int[] bands) throws DataException {
        if (bands == null || bands.length == 0) {
            int[] all = new int[v.bands()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        for (int x : bands) {
            if (x < 0 || x >= v.bands()) {
                throw new FormatException(DataException.describe(store.name() + ":" + v.name(), "no band " + x,
                        "bands 0.." + (v.bands() - 1), x, null));
            }
        }
        return bands.clone();
    }

    /**
     * The GeoTIFF georeferencing of a grid geometry: EPSG code, and the corner and pixel size in x (east), y
     * (north) order whatever the CRS's axis order.
     *
     * @throws DataException if the CRS has no EPSG code here or the grid is rotated or not north-up
     */
    static TiffWriter.GeoRef geoRef(GridGeometry gg) throws DataException {
        CoordinateReferenceSystem crs = gg.getCoordinateReferenceSystem();
        boolean geographic = crs instanceof GeographicCRS;
        int epsg = epsg(crs);
        if (crs.getCoordinateSystem().getDimension() != 2) {
            throw unsupported(crs, "a 2-D CRS");
        }
        int east = -1, north = -1;
        for (int d = 0; d < 2; d++) {
            AxisDirection dir = crs.getCoordinateSystem().getAxis(d).getDirection();
            if (dir == AxisDirection.EAST) east = d;
            if (dir == AxisDirection.NORTH) north = d;
        }
        if (east < 0 || north < 0) throw unsupported(crs, "east and north axes");
        Matrix m = MathTransforms.getMatrix(gg.getGridToCRS(PixelInCell.CELL_CORNER));
        if (m == null || m.getNumRow() != 3 || m.getNumCol() != 3) throw unsupported(crs, "an affine 2-D grid");
        double px = m.getElement(east, 0), py = -m.getElement(north, 1);
        if (m.getElement(east, 1) != 0 || m.getElement(north, 0) != 0 || !(px > 0) || !(py > 0)) {
            throw new FormatException(DataException.describe("GeoTIFF export", "grid not north-up",
                    "columns going east and rows going south, no rotation", "grid-to-CRS " + m, null));
        }
        return new TiffWriter.GeoRef(epsg, geographic, m.getElement(east, 2), m.getElement(north, 2), px, py);
    }

    private static int epsg(CoordinateReferenceSystem crs) throws DataException {
        if (crs instanceof GeographicCRS) {
            if (Utilities.equalsIgnoreMetadata(CommonCRS.WGS84.geographic(), crs)
                    || Utilities.equalsIgnoreMetadata(CommonCRS.WGS84.normalizedGeographic(), crs)) {
                return 4326;
            }
        }
        Integer code = null;
        String id = IdentifiedObjects.getIdentifierOrName(crs);
        var ident = IdentifiedObjects.getIdentifier(crs, Citations.EPSG);
        if (ident != null) {
            try {
                code = Integer.valueOf(ident.getCode());
            } catch (NumberFormatException e) {
                code = null;
            }
        }
        if (code == null) {
            try {
                code = IdentifiedObjects.lookupEPSG(crs);
            } catch (FactoryException e) {
                code = null;
            }
        }
        if (code == null || !(crs instanceof GeographicCRS || crs instanceof ProjectedCRS)) {
            throw unsupported(crs, "CRS:84, EPSG:4326, EPSG:3857, a WGS 84 UTM zone or another EPSG geographic or projected CRS (" + id + ")");
        }
        return code;
    }

    private static FormatException unsupported(CoordinateReferenceSystem crs, String expected) {
        return new FormatException(DataException.describe("GeoTIFF export", "CRS not supported", expected,
                IdentifiedObjects.getDisplayName(crs, null), "use CRS:84, EPSG:4326, EPSG:3857 or EPSG:326zz/327zz"));
    }
}
