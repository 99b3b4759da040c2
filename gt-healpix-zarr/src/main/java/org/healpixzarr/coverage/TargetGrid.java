package org.healpixzarr.coverage;

import org.apache.sis.coverage.grid.GridGeometry;
import org.healpixzarr.DataException;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/**
 * The pixels of a requested grid expressed where the cells live: the lon/lat (CRS:84, degrees) of every pixel
 * centre and the ground size of a pixel. Built once per request; immutable and thread-safe.
 *
 * <p>CONTRACT (issue 5): implemented by the coverage work; used by render/export and the OGC service.
 */
public final class TargetGrid {
    private TargetGrid() {}

    /**
     * From a SIS grid geometry (extent, grid-to-CRS mapping pixel centres, CRS).
     *
     * @throws DataException if the CRS cannot be transformed to CRS:84 or the extent is not 2-D
     */
    public static TargetGrid of(GridGeometry grid) throws DataException {
        throw new UnsupportedOperationException("issue 5");
    }

    /**
     * From a box in the CRS's own axis order (e.g. EPSG:4326 is lat,lon; CRS:84 and EPSG:3857 are x,y) and an
     * image size. Pixel (0,0) is the top-left (max y, min x in x,y order); centres are at half-pixel offsets.
     *
     * @param bbox   {min axis0, min axis1, max axis0, max axis1} in CRS units
     * @param width  pixels, ≥ 1
     * @param height pixels, ≥ 1
     */
    public static TargetGrid of(CoordinateReferenceSystem crs, double[] bbox, int width, int height) throws DataException {
        throw new UnsupportedOperationException("issue 5");
    }

    /** Pixels per row. */
    public int width() { throw new UnsupportedOperationException("issue 5"); }

    /** Rows. */
    public int height() { throw new UnsupportedOperationException("issue 5"); }

    /** Longitude of every pixel centre, degrees, row-major from the top row; NaN where the point has none. */
    public double[] lon() { throw new UnsupportedOperationException("issue 5"); }

    /** Latitude of every pixel centre, degrees, row-major from the top row; NaN where the point has none. */
    public double[] lat() { throw new UnsupportedOperationException("issue 5"); }

    /** Ground size of one pixel in metres (the larger axis, at the grid centre): chooses the overview depth. */
    public double pixelSizeMetres() { throw new UnsupportedOperationException("issue 5"); }

    /** The grid as a SIS grid geometry (CRS, extent, pixel-centre grid-to-CRS). */
    public GridGeometry gridGeometry() { throw new UnsupportedOperationException("issue 5"); }
}
