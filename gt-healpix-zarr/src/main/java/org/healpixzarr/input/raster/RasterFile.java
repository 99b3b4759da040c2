package org.healpixzarr.input.raster;

import java.awt.Rectangle;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sis.coverage.SampleDimension;
import org.apache.sis.coverage.grid.GridCoverage;
import org.apache.sis.storage.GridCoverageResource;
import org.apache.sis.coverage.grid.GridExtent;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.coverage.grid.PixelInCell;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.apache.sis.storage.Aggregate;
import org.apache.sis.storage.DataStore;
import org.apache.sis.storage.DataStoreException;
import org.apache.sis.storage.DataStores;
import org.apache.sis.storage.Resource;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.zarr.DataType;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;

/**
 * A georeferenced raster (GeoTIFF, or any grid coverage Apache SIS opens) read through Apache SIS
 * ({@code DataStores.open}, first {@code GridCoverageResource}): size, bands (name, data type, no-data value) and,
 * by blocks of rows, pixel-centre coordinates in CRS:84 (longitude, latitude in degrees on WGS84) and the band
 * values. Any CRS SIS builds without the EPSG database works (geographic WGS84, UTM zones, Web Mercator...); the
 * datum shift to WGS84, if any, is SIS's.
 *
 * <p>Band names: the GDAL band description (GDAL_METADATA TIFF tag) when present, else {@code band_<n>} (1-based).
 * No-data: the sample dimension's no-data values or background (GDAL_NODATA); SIS gives NaN for no-data in
 * floating-point bands. Not thread-safe.
 */
public final class RasterFile implements AutoCloseable {
    private final Path path;
    private final DataStore store;
    private final RenderedImage image;
    private final int width, height;
    private final long lowX, lowY;
    private final MathTransform toLonLat;
    private final CoordinateReferenceSystem crs;
    private final List<Band> bands;

    /**
     * One band.
     *
     * @param index       0-based band index
     * @param name        variable name (description or {@code band_<n>})
     * @param description the GDAL description, or {@code null}
     * @param dataType    the stored type
     * @param noData      the no-data value, or {@code null}
     */
    public record Band(int index, String name, String description, DataType dataType, Number noData) {}

    private RasterFile(Path path, DataStore store, GridCoverage coverage, GridGeometry gg, List<Band> bands)
            throws DataException {
        this.path = path;
        this.store = store;
        this.image = coverage.forConvertedValues(false).render(null);
        GridExtent e = gg.getExtent();
        this.width = Math.toIntExact(e.getSize(0));
        this.height = Math.toIntExact(e.getSize(1));
        this.lowX = e.getLow(0);
        this.lowY = e.getLow(1);
        this.crs = gg.getCoordinateReferenceSystem();
        try {
            MathTransform toGeo = CRS.findOperation(crs, CommonCRS.WGS84.normalizedGeographic(), null).getMathTransform();
            this.toLonLat = MathTransforms.concatenate(gg.getGridToCRS(PixelInCell.CELL_CENTER), toGeo);
        } catch (org.opengis.util.FactoryException e2) {
            throw new FormatException(DataException.describe(path.toString(), "no transformation from the raster's CRS to WGS84",
                    "a CRS Apache SIS can relate to WGS84 without the EPSG database", crs.getName().toString(),
                    "reproject the raster first, e.g. gdalwarp -t_srs EPSG:4326"), e2);
        }
        this.bands = List.copyOf(bands);
    }

    /**
     * Opens a raster.
     *
     * @throws FormatException naming the file if it is not a raster SIS reads, or has no CRS or no grid-to-CRS transform
     */
    public static RasterFile open(Path path) throws IOException, DataException {
        if (!Files.isRegularFile(path)) {
            throw new FormatException(DataException.describe(path.toString(), "no such raster file", "a GeoTIFF file",
                    Files.exists(path) ? "a folder" : "nothing", null));
        }
        DataStore ds = null;
        try {
            ds = DataStores.open(path);
            GridCoverageResource r = coverageOf(ds);
            if (r == null) {
                throw new FormatException(DataException.describe(path.toString(), "not a raster", "a grid coverage (GeoTIFF)",
                        ds.getClass().getSimpleName() + " without a grid coverage", null));
            }
            GridGeometry gg = r.getGridGeometry();
            if (!gg.isDefined(GridGeometry.CRS | GridGeometry.GRID_TO_CRS | GridGeometry.EXTENT)) {
                throw new FormatException(DataException.describe(path.toString(), "raster without georeferencing",
                        "a coordinate reference system and a pixel-to-CRS transform (GeoTIFF GeoKeys)",
                        gg.isDefined(GridGeometry.CRS) ? "no pixel-to-CRS transform" : "no coordinate reference system",
                        "assign one, e.g. gdal_translate -a_srs EPSG:4326 -a_ullr W N E S"));
            }
            if (gg.getDimension() != 2) {
                throw new FormatException(DataException.describe(path.toString(), "unsupported raster", "a 2-D grid",
                        gg.getDimension() + " dimensions", null));
            }
            GridCoverage cov = r.read(null, (int[]) null);
            Map<Integer, String> descriptions = GdalMetadata.bandDescriptions(path);
            List<SampleDimension> sds = cov.forConvertedValues(false).getSampleDimensions();
            RenderedImage probe = cov.forConvertedValues(false).render(null);
            DataType type = dataType(path, probe.getSampleModel().getDataType());
            List<Band> bands = new ArrayList<>();
            for (int b = 0; b < sds.size(); b++) {
                SampleDimension sd = sds.get(b);
                Number nd = null;
                if (!type.isFloat()) {
                    if (!sd.getNoDataValues().isEmpty()) nd = sd.getNoDataValues().iterator().next();
                    else {
                        Optional<Number> bg = sd.getBackground();
                        if (bg.isPresent()) nd = bg.get();
                    }
                }
                String desc = descriptions.get(b);
                String name = desc != null && desc.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-]*") && !desc.equals("cell_ids")
                        && !desc.equals("index") && !desc.equals("overviews") && !desc.equals("count") ? desc : "band_" + (b + 1);
                bands.add(new Band(b, name, desc, type, nd == null ? null : cast(type, nd)));
            }
            RasterFile f = new RasterFile(path, ds, cov, gg, bands);
            ds = null;
            return f;
        } catch (DataStoreException | IllegalArgumentException | IllegalStateException e) {
            throw new FormatException(DataException.describe(path.toString(), "not a readable raster (" + e.getMessage() + ")",
                    "a georeferenced GeoTIFF", path.getFileName().toString(), null), e);
        } finally {
            if (ds != null) {
                try {
                    ds.close();
                } catch (DataStoreException e) {
                    // already failing
                }
            }
        }
    }

    private static GridCoverageResource coverageOf(Resource r) throws DataStoreException {
        if (r instanceof GridCoverageResource) return (GridCoverageResource) r;
        if (r instanceof Aggregate) {
            for (Resource c : ((Aggregate) r).components()) {
                GridCoverageResource g = coverageOf(c);
                if (g != null) return g;
            }
        }
        return null;
    }

    private static DataType dataType(Path path, int awt) throws FormatException {
        switch (awt) {
            case DataBuffer.TYPE_BYTE: return DataType.UINT8;
            case DataBuffer.TYPE_USHORT: return DataType.UINT16;
            case DataBuffer.TYPE_SHORT: return DataType.INT16;
            case DataBuffer.TYPE_INT: return DataType.INT32;
            case DataBuffer.TYPE_FLOAT: return DataType.FLOAT32;
            case DataBuffer.TYPE_DOUBLE: return DataType.FLOAT64;
            default:
                throw new FormatException(DataException.describe(path.toString(), "unsupported sample type",
                        "8/16/32-bit integers or 32/64-bit floats", "AWT data type " + awt, null));
        }
    }

    private static Number cast(DataType t, Number n) {
        return switch (t) {
            case UINT8 -> (int) Math.max(0, Math.min(255, n.longValue()));
            case UINT16 -> (int) Math.max(0, Math.min(65535, n.longValue()));
            case INT16 -> (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, n.longValue()));
            case INT32 -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n.longValue()));
            default -> n.doubleValue();
        };
    }

    /** The file. */
    public Path path() { return path; }

    /** Columns. */
    public int width() { return width; }

    /** Rows. */
    public int height() { return height; }

    /** The bands, in file order. */
    public List<Band> bands() { return bands; }

    /** Name of the coordinate reference system. */
    public String crsName() { return crs.getName().getCode(); }

    /**
     * Pixel-centre coordinates of rows {@code [row0, row0 + rows)}, row-major: {@code lon[i]}, {@code lat[i]} in
     * degrees on WGS84 (NaN where the transform fails).
     */
    public void lonLat(int row0, int rows, double[] lon, double[] lat) {
        int n = rows * width;
        double[] xy = new double[2 * n];
        for (int r = 0, k = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                xy[k++] = lowX + c;
                xy[k++] = lowY + row0 + r;
            }
        }
        try {
            toLonLat.transform(xy, 0, xy, 0, n);
        } catch (TransformException e) {
            // some points outside the projection's domain: redo them one by one
            double[] p = new double[2];
            for (int r = 0, k = 0; r < rows; r++) {
                for (int c = 0; c < width; c++, k += 2) {
                    p[0] = lowX + c;
                    p[1] = lowY + row0 + r;
                    try {
                        toLonLat.transform(p, 0, xy, k, 1);
                    } catch (TransformException e2) {
                        xy[k] = Double.NaN;
                        xy[k + 1] = Double.NaN;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            lon[i] = xy[2 * i];
            lat[i] = xy[2 * i + 1];
        }
    }

    /** Values of one band for rows {@code [row0, row0 + rows)}, row-major, as the Java array of the band's type. */
    public Object read(int band, int row0, int rows) {
        int n = rows * width;
        Raster ras = image.getData(new Rectangle(image.getMinX(), image.getMinY() + row0, width, rows));
        int x = image.getMinX(), y = image.getMinY() + row0;
        DataType t = bands.get(band).dataType();
        switch (t) {
            case FLOAT32: return ras.getSamples(x, y, width, rows, band, new float[n]);
            case FLOAT64: return ras.getSamples(x, y, width, rows, band, new double[n]);
            default: {
                int[] v = ras.getSamples(x, y, width, rows, band, new int[n]);
                if (t == DataType.INT32) return v;
                if (t == DataType.UINT8) {
                    byte[] o = new byte[n];
                    for (int i = 0; i < n; i++) o[i] = (byte) v[i];
                    return o;
                }
                short[] o = new short[n];
                for (int i = 0; i < n; i++) o[i] = (short) v[i];
                return o;
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            store.close();
        } catch (DataStoreException e) {
            throw new IOException("cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}
