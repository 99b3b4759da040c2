package org.healpixzarr.input.tessera;

import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;
import org.opengis.util.FactoryException;

/**
 * The 10 m UTM pixel grid of a TESSERA tile (make_tessera.py and geotessera): UTM WGS84 of the zone of the tile
 * centre (strictly {@code floor((lon + 180) / 6) + 1}, no Norway/Svalbard exceptions; north if the centre latitude
 * is {@code >= 0}), the four corners of the 0.1 degree box projected, {@code originE = min(UL_e, LL_e)},
 * {@code originN = max(UL_n, UR_n)}, {@code H = round((originN - min(LL_n, LR_n)) / 10)},
 * {@code W = round((max(UR_e, LR_e) - originE) / 10)}; pixel (i, j) centre {@code E = originE + (j + 0.5) * 10},
 * {@code N = originN - (i + 0.5) * 10}, row 0 north.
 */
public final class TileGrid {
    /** Pixel size, metres. */
    public static final double PIXEL = 10.0;

    private final TileName tile;
    private final int zone;
    private final boolean north;
    private final double originE, originN;
    private final int height, width;
    private final MathTransform toGeographic;
    private final UtmInverse inverse;

    private TileGrid(TileName tile, int zone, boolean north, double originE, double originN, int height, int width,
                     MathTransform toGeographic) {
        this.tile = tile;
        this.zone = zone;
        this.north = north;
        this.originE = originE;
        this.originN = originN;
        this.height = height;
        this.width = width;
        this.toGeographic = toGeographic;
        this.inverse = new UtmInverse(zone, north);
    }

    /** The grid of {@code tile}. */
    public static TileGrid of(TileName tile) {
        int zone = (int) Math.floor((tile.lon() + 180) / 6) + 1;
        if (zone > 60) zone = 60;
        boolean north = tile.lat() >= 0;
        // a point on the zone's central meridian at |lat| = 1 selects exactly this zone (no UPS, no Norway rule)
        ProjectedCRS utm = CommonCRS.WGS84.universal(north ? 1 : -1, -183 + 6 * zone);
        try {
            var geo = CommonCRS.WGS84.normalizedGeographic(); // (lon, lat)
            MathTransform toUtm = CRS.findOperation(geo, utm, null).getMathTransform();
            MathTransform toGeo = CRS.findOperation(utm, geo, null).getMathTransform();
            double w = tile.lon() - TileName.HALF, e = tile.lon() + TileName.HALF;
            double s = tile.lat() - TileName.HALF, n = tile.lat() + TileName.HALF;
            double[] c = {w, n, w, s, e, n, e, s}; // UL, LL, UR, LR
            toUtm.transform(c, 0, c, 0, 4);
            double ulE = c[0], ulN = c[1], llE = c[2], llN = c[3], urE = c[4], urN = c[5], lrE = c[6], lrN = c[7];
            double oe = Math.min(ulE, llE), on = Math.max(ulN, urN);
            int h = (int) Math.rint((on - Math.min(llN, lrN)) / PIXEL); // rint: ties to even, as Python's round
            int wd = (int) Math.rint((Math.max(urE, lrE) - oe) / PIXEL);
            return new TileGrid(tile, zone, north, oe, on, h, wd, toGeo);
        } catch (FactoryException | TransformException ex) {
            throw new IllegalStateException("UTM zone " + zone + " for tile " + tile + ": " + ex, ex);
        }
    }

    /** The tile. */
    public TileName tile() {
        return tile;
    }

    /** UTM zone, 1..60. */
    public int zone() {
        return zone;
    }

    /** Northern hemisphere zone. */
    public boolean north() {
        return north;
    }

    /** The EPSG code of the grid's CRS (32600 + zone north, 32700 + zone south). */
    public int epsg() {
        return (north ? 32600 : 32700) + zone;
    }

    /** Easting of the grid's west edge, metres. */
    public double originE() {
        return originE;
    }

    /** Northing of the grid's north edge, metres. */
    public double originN() {
        return originN;
    }

    /** Rows of the full tile. */
    public int height() {
        return height;
    }

    /** Columns of the full tile. */
    public int width() {
        return width;
    }

    /**
     * Longitude and latitude (WGS84 degrees) of the centres of pixels {@code (row, col0 .. col0 + cols)} for rows
     * {@code row0 .. row0 + rows}, row by row, into {@code lon[0..)} and {@code lat[0..)}: the Krüger n^6 inverse
     * transverse Mercator evaluated on the separable grid ({@link UtmInverse}), within about 1e-13 degree of
     * Apache SIS.
     *
     * @param xy unused (kept for callers sizing a scratch buffer)
     */
    public void lonLat(int row0, int rows, int col0, int cols, double[] lon, double[] lat, double[] xy) {
        double[] e = new double[cols], n = new double[rows];
        for (int j = 0; j < cols; j++) e[j] = originE + (col0 + j + 0.5) * PIXEL;
        for (int i = 0; i < rows; i++) n[i] = originN - (row0 + i + 0.5) * PIXEL;
        inverse.grid(e, n, lon, lat);
    }

    /** As {@link #lonLat}, by Apache SIS's inverse transverse Mercator (the reference of the tests). */
    void lonLatSis(int row0, int rows, int col0, int cols, double[] lon, double[] lat, double[] xy) {
        int n = rows * cols, k = 0;
        for (int i = 0; i < rows; i++) {
            double northing = originN - (row0 + i + 0.5) * PIXEL;
            for (int j = 0; j < cols; j++) {
                xy[k++] = originE + (col0 + j + 0.5) * PIXEL;
                xy[k++] = northing;
            }
        }
        try {
            toGeographic.transform(xy, 0, xy, 0, n);
        } catch (TransformException e) {
            throw new IllegalStateException("UTM zone " + zone + " to geographic for tile " + tile + ": " + e, e);
        }
        for (int p = 0; p < n; p++) {
            lon[p] = xy[2 * p];
            lat[p] = xy[2 * p + 1];
        }
    }
}
