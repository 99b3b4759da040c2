package org.healpixzarr.input.tessera;

/**
 * The 10 m UTM pixel grid of a TESSERA tile (make_tessera.py and geotessera): UTM WGS84 of the zone of the tile
 * centre (strictly {@code floor((lon + 180) / 6) + 1}, no Norway/Svalbard exceptions; north if the centre latitude
 * is {@code >= 0}), the four corners of the 0.1 degree box projected, {@code originE = min(UL_e, LL_e)},
 * {@code originN = max(UL_n, UR_n)}, {@code H = round((originN - min(LL_n, LR_n)) / 10)},
 * {@code W = round((max(UR_e, LR_e) - originE) / 10)}; pixel (i, j) centre {@code E = originE + (j + 0.5) * 10},
 * {@code N = originN - (i + 0.5) * 10}, row 0 north. Projected with {@link Utm} (Krüger n^6 series), which agrees
 * with PROJ (the generator's library) to about 1e-12 degree.
 */
public final class TileGrid {
    /** Pixel size, metres. */
    public static final double PIXEL = 10.0;

    private final TileName tile;
    private final int zone;
    private final boolean north;
    private final double originE, originN;
    private final int height, width;
    private final Utm utm;

    private TileGrid(TileName tile, int zone, boolean north, double originE, double originN, int height, int width,
                     Utm utm) {
        this.tile = tile;
        this.zone = zone;
        this.north = north;
        this.originE = originE;
        this.originN = originN;
        this.height = height;
        this.width = width;
        this.utm = utm;
    }

    /** The grid of {@code tile}. */
    public static TileGrid of(TileName tile) {
        int zone = (int) Math.floor((tile.lon() + 180) / 6) + 1;
        if (zone > 60) zone = 60;
        boolean north = tile.lat() >= 0;
        Utm utm = new Utm(zone, north); // own Krüger series: Apache SIS's set-up costs ~1 s of CPU per process
        double w = tile.lon() - TileName.HALF, e = tile.lon() + TileName.HALF;
        double s = tile.lat() - TileName.HALF, n = tile.lat() + TileName.HALF;
        double[] ul = utm.forward(w, n), ll = utm.forward(w, s), ur = utm.forward(e, n), lr = utm.forward(e, s);
        double oe = Math.min(ul[0], ll[0]), on = Math.max(ul[1], ur[1]);
        int h = (int) Math.rint((on - Math.min(ll[1], lr[1])) / PIXEL); // rint: ties to even, as Python's round
        int wd = (int) Math.rint((Math.max(ur[0], lr[0]) - oe) / PIXEL);
        return new TileGrid(tile, zone, north, oe, on, h, wd, utm);
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
     * transverse Mercator evaluated on the separable grid ({@link Utm}), within 1e-13 degree of PROJ.
     *
     * @param xy unused (kept for callers sizing a scratch buffer)
     */
    public void lonLat(int row0, int rows, int col0, int cols, double[] lon, double[] lat, double[] xy) {
        double[] e = new double[cols], n = new double[rows];
        for (int j = 0; j < cols; j++) e[j] = originE + (col0 + j + 0.5) * PIXEL;
        for (int i = 0; i < rows; i++) n[i] = originN - (row0 + i + 0.5) * PIXEL;
        utm.grid(e, n, lon, lat);
    }
}
