package org.healpixzarr.coverage;

import java.util.Arrays;
import org.apache.sis.coverage.grid.GridExtent;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.coverage.grid.PixelInCell;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.operation.matrix.Matrix3;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.healpixzarr.DataException;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.referencing.cs.AxisDirection;
import org.opengis.referencing.cs.CoordinateSystem;
import org.opengis.referencing.operation.Matrix;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;
import org.opengis.util.FactoryException;

/**
 * The pixels of a requested grid expressed where the cells live: the lon/lat (CRS:84, degrees) of every pixel
 * centre and the ground size of a pixel. Built once per request; immutable and thread-safe.
 *
 * <p>The pixel centres are transformed in one bulk {@link MathTransform#transform(double[], int, double[], int, int)}
 * call (grid to CRS to CRS:84); points the CRS cannot map (outside a projection's domain) get NaN.
 *
 * <p>CONTRACT (issue 5): implemented by the coverage work; used by render/export and the OGC service.
 */
public final class TargetGrid {
    /** Radius of the sphere used for ground distances: the WGS84 authalic radius, metres. */
    static final double EARTH_RADIUS = 6_371_007.2;

    private final GridGeometry geometry;
    private final int width;
    private final int height;
    /** {lon, lat} of every pixel; for a separable grid made on first use from colLon and rowLat. */
    private volatile double[][] positions;
    private final double pixelSize;
    /** Whether the centres were computed by the separable path (one row and one column transformed). */
    final boolean separable;
    /**
     * Separable grids: the longitude of every column and the latitude of every row as transformed (not yet
     * masked: a pixel has a position where both do, see {@link #hasPosition}); null otherwise.
     */
    private final double[] colLon, rowLat;

    private TargetGrid(GridGeometry geometry, int width, int height, double[][] positions, double[] colLon,
                       double[] rowLat, double pixelSize) {
        this.geometry = geometry;
        this.width = width;
        this.height = height;
        this.positions = positions;
        this.colLon = colLon;
        this.rowLat = rowLat;
        this.separable = colLon != null;
        this.pixelSize = pixelSize;
    }

    /**
     * From a SIS grid geometry (extent, grid-to-CRS mapping pixel centres, CRS). Grid dimension 0 is the image
     * column, dimension 1 the row; extra grid dimensions must have a size of 1.
     *
     * @throws DataException if the CRS cannot be transformed to CRS:84 or the extent is not 2-D
     */
    public static TargetGrid of(GridGeometry grid) throws DataException {
        return of(grid, true);
    }

    /** {@link #of(GridGeometry)}, with the separable path allowed or not (tests compare the two). */
    static TargetGrid of(GridGeometry grid, boolean allowSeparable) throws DataException {
        if (grid == null || !grid.isDefined(GridGeometry.EXTENT | GridGeometry.GRID_TO_CRS | GridGeometry.CRS)) {
            throw new DataException(DataException.describe("target grid", "incomplete grid geometry",
                    "an extent, a grid-to-CRS transform and a CRS", grid, null));
        }
        GridExtent extent = grid.getExtent();
        for (int d = 2; d < extent.getDimension(); d++) {
            if (extent.getSize(d) != 1) {
                throw new DataException(DataException.describe("target grid", "not a 2-D extent",
                        "size 1 in grid dimensions above 1", extent, "slice the request to one time/level"));
            }
        }
        if (extent.getDimension() < 2) {
            throw new DataException(DataException.describe("target grid", "not a 2-D extent", "2 dimensions", extent, null));
        }
        long w = extent.getSize(0), h = extent.getSize(1);
        if (w * h > Integer.MAX_VALUE - 8) {
            throw new DataException(DataException.describe("target grid", "too many pixels", "< 2^31", w * h,
                    "request a smaller image"));
        }
        int width = (int) w, height = (int) h, n = width * height;
        MathTransform toLonLat;
        try {
            MathTransform gridToCrs = grid.getGridToCRS(PixelInCell.CELL_CENTER);
            CoordinateReferenceSystem crs = grid.getCoordinateReferenceSystem();
            MathTransform crsToLonLat = CRS.findOperation(crs, CommonCRS.defaultGeographic(), null).getMathTransform();
            if (gridToCrs.getSourceDimensions() != 2 || crsToLonLat.getSourceDimensions() != gridToCrs.getTargetDimensions()) {
                throw new DataException(DataException.describe("target grid", "not a 2-D grid to CRS mapping",
                        "2 grid and 2 CRS dimensions", gridToCrs.getSourceDimensions() + " grid and "
                        + crsToLonLat.getSourceDimensions() + " CRS dimensions", null));
            }
            toLonLat = MathTransforms.concatenate(gridToCrs, crsToLonLat);
        } catch (FactoryException e) {
            throw new DataException(DataException.describe("target grid", "CRS cannot be transformed to CRS:84: "
                    + e.getMessage(), null, null, "supported: " + Crs.SUPPORTED), e);
        }
        long x0 = extent.getLow(0), y0 = extent.getLow(1);
        double[][] sep = allowSeparable ? separable(grid, toLonLat, x0, y0, width, height) : null;
        TargetGrid g;
        if (sep != null) {
            g = new TargetGrid(grid, width, height, null, sep[0], sep[1], Double.NaN);
        } else {
            double[] lon = new double[n], lat = new double[n];
            transformAll(toLonLat, x0, y0, width, height, lon, lat);
            g = new TargetGrid(grid, width, height, new double[][] {lon, lat}, null, null, Double.NaN);
        }
        // the pixel size may need the positions (centre outside the CRS domain): those spread then are kept
        double size = pixelSize(toLonLat, x0, y0, width, height, g);
        return new TargetGrid(grid, width, height, g.positions, g.colLon, g.rowLat, size);
    }

    /** Every pixel centre through the transform in one bulk call (the general path). */
    private static void transformAll(MathTransform toLonLat, long x0, long y0, int width, int height,
                                     double[] lon, double[] lat) {
        int n = width * height;
        double[] pts = new double[2 * n];
        int k = 0;
        for (int j = 0; j < height; j++) {
            for (int i = 0; i < width; i++) {
                pts[k++] = x0 + i;
                pts[k++] = y0 + j;
            }
        }
        transform(toLonLat, pts, n);
        for (int p = 0; p < n; p++) put(lon, lat, p, pts[2 * p], pts[2 * p + 1]);
    }

    /** Pixel p's position: (x, y) if it is one ({@link #hasPosition}), else NaN, NaN. */
    private static void put(double[] lon, double[] lat, int p, double x, double y) {
        boolean ok = hasPosition(x, y);
        lon[p] = ok ? x : Double.NaN;
        lat[p] = ok ? y : Double.NaN;
    }

    static boolean hasPosition(double lon, double lat) {
        return Double.isFinite(lon) && Double.isFinite(lat) && lat >= -90 && lat <= 90;
    }

    /**
     * The separable path, exactly equal to {@link #transformAll}: for a geographic CRS or a (pseudo-)Mercator
     * projection on an axis-aligned grid, the longitude of a pixel centre is computed from its column alone and the
     * latitude from its row alone (every step of the transform maps each axis from one axis: zero cross terms add an
     * exact 0, the projections compute λ from x and φ from y), so one row and one column of centres are transformed
     * (width + height points instead of width × height: 0.05 instead of ~5 ms for 256 × 256 in EPSG:3857); the
     * pixels are spread from them only if someone asks ({@link #lon()}). As a guard, a few pixels (corners, centre,
     * a diagonal) are also transformed in 2-D and must agree to the bit; otherwise, and for any other CRS, returns
     * null.
     *
     * @return {longitude per column, latitude per row}, or null
     */
    private static double[][] separable(GridGeometry grid, MathTransform toLonLat, long x0, long y0, int width, int height) {
        if (!separableCrs(grid.getCoordinateReferenceSystem())) return null;
        Matrix m = MathTransforms.getMatrix(grid.getGridToCRS(PixelInCell.CELL_CENTER));
        if (m == null || m.getNumRow() != 3 || m.getNumCol() != 3) return null;
        boolean straight = m.getElement(0, 1) == 0 && m.getElement(1, 0) == 0 && m.getElement(0, 0) != 0 && m.getElement(1, 1) != 0;
        boolean swapped = m.getElement(0, 0) == 0 && m.getElement(1, 1) == 0 && m.getElement(0, 1) != 0 && m.getElement(1, 0) != 0;
        if (!straight && !swapped) return null;
        // one row (at the centre row) for the longitudes, one column (at the centre column) for the latitudes
        double xc = x0 + width / 2, yc = y0 + height / 2;
        int probes = 9;
        double[] pts = new double[2 * (width + height + probes)];
        int k = 0;
        for (int i = 0; i < width; i++) {
            pts[k++] = x0 + i;
            pts[k++] = yc;
        }
        for (int j = 0; j < height; j++) {
            pts[k++] = xc;
            pts[k++] = y0 + j;
        }
        int[] pi = {0, width - 1, 0, width - 1, width / 2, width / 3, 2 * width / 3, width / 5, width - 1 - width / 7};
        int[] pj = {0, 0, height - 1, height - 1, height / 2, height / 3, 2 * height / 3, height - 1 - height / 5, height / 7};
        for (int q = 0; q < probes; q++) {
            pts[k++] = x0 + pi[q];
            pts[k++] = y0 + pj[q];
        }
        transform(toLonLat, pts, width + height + probes);
        int rowAt = 2 * width;
        for (int q = 0, at = 2 * (width + height); q < probes; q++, at += 2) {
            double x = pts[2 * pi[q]], y = pts[rowAt + 2 * pj[q] + 1];
            double px = pts[at], py = pts[at + 1];
            boolean ok = hasPosition(x, y) ? hasPosition(px, py) && px == x && py == y : !hasPosition(px, py);
            if (!ok) return null;
        }
        double[] col = new double[width], row = new double[height];
        for (int i = 0; i < width; i++) col[i] = pts[2 * i];
        for (int j = 0; j < height; j++) row[j] = pts[rowAt + 2 * j + 1];
        return new double[][] {col, row};
    }

    /** The positions of all pixels, spread from the column longitudes and row latitudes. */
    private static double[][] spread(double[] colLon, double[] rowLat) {
        int width = colLon.length, height = rowLat.length;
        double[] lon = new double[width * height], lat = new double[width * height];
        for (int j = 0, p = 0; j < height; j++) {
            double y = rowLat[j];
            for (int i = 0; i < width; i++, p++) put(lon, lat, p, colLon[i], y);
        }
        return new double[][] {lon, lat};
    }

    private double[][] positions() {
        double[][] p = positions;
        if (p == null) {
            synchronized (this) {
                p = positions;
                if (p == null) positions = p = spread(colLon, rowLat);
            }
        }
        return p;
    }

    /**
     * The rectilinear structure of a separable grid ({@link Splat#ofSeparable}), without spreading its pixels;
     * null if the grid is not separable or has no such structure.
     */
    Splat splat() {
        return separable ? Splat.ofSeparable(colLon, rowLat) : null;
    }

    /** A geographic CRS, or a projected one whose conversion is a Mercator variant (EPSG:3857 among them). */
    private static boolean separableCrs(CoordinateReferenceSystem crs) {
        if (crs instanceof GeographicCRS) return true;
        if (crs instanceof ProjectedCRS) {
            String method = ((ProjectedCRS) crs).getConversionFromBase().getMethod().getName().getCode();
            return method.contains("Mercator") && !method.contains("Transverse") && !method.contains("Oblique");
        }
        return false;
    }

    /**
     * From a box in the CRS's own axis order (e.g. EPSG:4326 is lat,lon; CRS:84 and EPSG:3857 are x,y) and an
     * image size. Pixel (0,0) is the top-left (max y, min x in x,y order); centres are at half-pixel offsets.
     * The image x axis follows the CRS axis pointing east (or west), the image y axis the one pointing north (or
     * south); for other axis directions, axis 0 is x and axis 1 is y.
     *
     * @param bbox   {min axis0, min axis1, max axis0, max axis1} in CRS units
     * @param width  pixels, ≥ 1
     * @param height pixels, ≥ 1
     * @throws DataException if the box or size is invalid or the CRS cannot be transformed to CRS:84
     */
    public static TargetGrid of(CoordinateReferenceSystem crs, double[] bbox, int width, int height) throws DataException {
        return of(gridGeometry(crs, bbox, width, height));
    }

    /**
     * The SIS grid geometry of {@link #of(CoordinateReferenceSystem, double[], int, int)}, without transforming
     * the pixels.
     *
     * @throws DataException if the box or size is invalid
     */
    public static GridGeometry gridGeometry(CoordinateReferenceSystem crs, double[] bbox, int width, int height)
            throws DataException {
        if (crs == null || crs.getCoordinateSystem().getDimension() != 2) {
            throw new DataException(DataException.describe("target grid", "not a 2-D CRS", "a 2-D CRS", crs, null));
        }
        if (bbox == null || bbox.length != 4 || !(bbox[0] < bbox[2]) || !(bbox[1] < bbox[3])
                || !Double.isFinite(bbox[0]) || !Double.isFinite(bbox[1]) || !Double.isFinite(bbox[2]) || !Double.isFinite(bbox[3])) {
            throw new DataException(DataException.describe("target grid", "invalid box",
                    "{min axis0, min axis1, max axis0, max axis1}, finite, min < max", Arrays.toString(bbox), null));
        }
        if (width < 1 || height < 1) {
            throw new DataException(DataException.describe("target grid", "invalid image size", "width, height >= 1",
                    width + " x " + height, null));
        }
        int xAxis = 0, yAxis = 1;
        CoordinateSystem cs = crs.getCoordinateSystem();
        if (isNorthSouth(cs.getAxis(0).getDirection()) && isEastWest(cs.getAxis(1).getDirection())) {
            xAxis = 1;
            yAxis = 0;
        }
        double minX = bbox[xAxis], maxX = bbox[2 + xAxis], minY = bbox[yAxis], maxY = bbox[2 + yAxis];
        Matrix3 m = new Matrix3();
        // CRS axis xAxis = minX + column * sx ; CRS axis yAxis = maxY - row * sy (pixel corners)
        m.setElement(xAxis, 0, (maxX - minX) / width);
        m.setElement(xAxis, 1, 0);
        m.setElement(xAxis, 2, minX);
        m.setElement(yAxis, 0, 0);
        m.setElement(yAxis, 1, -(maxY - minY) / height);
        m.setElement(yAxis, 2, maxY);
        return new GridGeometry(new GridExtent(width, height), PixelInCell.CELL_CORNER, MathTransforms.linear(m), crs);
    }

    private static boolean isNorthSouth(AxisDirection d) {
        return d == AxisDirection.NORTH || d == AxisDirection.SOUTH;
    }

    private static boolean isEastWest(AxisDirection d) {
        return d == AxisDirection.EAST || d == AxisDirection.WEST;
    }

    /** Transforms n points in place; points that fail become NaN (SIS continues past them, then throws). */
    private static void transform(MathTransform t, double[] pts, int n) {
        try {
            t.transform(pts, 0, pts, 0, n);
        } catch (TransformException e) {
            // SIS sets the coordinates of the points it could not transform to NaN and transforms the others
        }
    }

    /** Ground size of one pixel at the grid centre (the larger of its two sides), metres. */
    private static double pixelSize(MathTransform t, long x0, long y0, int width, int height, TargetGrid g) {
        double cx = x0 + (width - 1) / 2.0, cy = y0 + (height - 1) / 2.0;
        double[] p = {cx - 0.5, cy, cx + 0.5, cy, cx, cy - 0.5, cx, cy + 0.5};
        transform(t, p, 4);
        double s = Math.max(ground(p[0], p[1], p[2], p[3]), ground(p[4], p[5], p[6], p[7]));
        if (Double.isFinite(s) && s > 0) return s;
        // centre outside the CRS domain: the valid pixel nearest to the centre, from its neighbours
        double[] lon = g.lon(), lat = g.lat();
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int j = 0; j < height; j++) {
            for (int i = 0; i < width; i++) {
                int q = j * width + i;
                if (Double.isNaN(lon[q])) continue;
                double d = (i - cx + x0) * (i - cx + x0) + (j - cy + y0) * (j - cy + y0);
                if (d < bestD && hasNeighbour(lon, width, height, i, j)) {
                    bestD = d;
                    best = q;
                }
            }
        }
        if (best < 0) return Double.POSITIVE_INFINITY;
        int i = best % width, j = best / width;
        double sx = 0, sy = 0;
        if (i + 1 < width && !Double.isNaN(lon[best + 1])) sx = ground(lon[best], lat[best], lon[best + 1], lat[best + 1]);
        else if (i > 0 && !Double.isNaN(lon[best - 1])) sx = ground(lon[best], lat[best], lon[best - 1], lat[best - 1]);
        if (j + 1 < height && !Double.isNaN(lon[best + width])) sy = ground(lon[best], lat[best], lon[best + width], lat[best + width]);
        else if (j > 0 && !Double.isNaN(lon[best - width])) sy = ground(lon[best], lat[best], lon[best - width], lat[best - width]);
        double r = Math.max(sx, sy);
        return r > 0 ? r : Double.POSITIVE_INFINITY;
    }

    private static boolean hasNeighbour(double[] lon, int width, int height, int i, int j) {
        int q = j * width + i;
        return (i + 1 < width && !Double.isNaN(lon[q + 1])) || (i > 0 && !Double.isNaN(lon[q - 1]))
                || (j + 1 < height && !Double.isNaN(lon[q + width])) || (j > 0 && !Double.isNaN(lon[q - width]));
    }

    /** Great-circle distance in metres on the authalic sphere (haversine); NaN if a coordinate is NaN. */
    static double ground(double lon1, double lat1, double lon2, double lat2) {
        double p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2);
        double dp = p2 - p1, dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** Pixels per row. */
    public int width() { return width; }

    /** Rows. */
    public int height() { return height; }

    /**
     * Longitude of every pixel centre, degrees, row-major from the top row; NaN where the point has none. The
     * longitude is as the CRS gives it (it may lie outside [-180, 180] for a box crossing the antimeridian). The
     * array is shared, not copied: do not modify it.
     */
    public double[] lon() { return positions()[0]; }

    /**
     * Latitude of every pixel centre, degrees, row-major from the top row; NaN where the point has none. The
     * array is shared, not copied: do not modify it.
     */
    public double[] lat() { return positions()[1]; }

    /** Ground size of one pixel in metres (the larger axis, at the grid centre): chooses the overview depth. */
    public double pixelSizeMetres() { return pixelSize; }

    /** The grid as a SIS grid geometry (CRS, extent, pixel-centre grid-to-CRS). */
    public GridGeometry gridGeometry() { return geometry; }
}
