package org.healpixzarr.server.ows.wcs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.sis.geometry.Envelopes;
import org.apache.sis.geometry.GeneralEnvelope;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.Crs;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.server.catalog.Layer;
import org.opengis.geometry.Envelope;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.TransformException;

/**
 * The coverage backend over the layer's samplers: metadata from the first store, GeoTIFF through
 * {@code render.GeoTiffExport}. A mosaic layer is exported from its first store (the export takes one sampler).
 * Stateless, thread-safe.
 */
final class SamplerCoverageBackend implements CoverageBackend {
    /** Metres per degree of longitude on the WGS 84 equator. */
    static final double METRES_PER_DEGREE = 6378137.0 * Math.PI / 180;

    @Override
    public CoverageInfo info(Layer layer) throws IOException, DataException {
        DggsStore store = first(layer).store();
        VariableInfo v = store.variable(layer.variable());
        List<Band> bands = new ArrayList<>();
        String description = v.longName() != null ? v.longName() : v.name();
        for (int b = 0; b < v.bands(); b++) {
            bands.add(new Band(v.bands() == 1 ? v.name() : v.name() + "_" + (b + 1), description, v.units()));
        }
        double res = HealpixGrid.of(store.ellipsoid(), store.nativeDepth()).cellEdgeMetres() / METRES_PER_DEGREE;
        return new CoverageInfo(bands, res);
    }

    @Override
    public void writeGeoTiff(Layer layer, String crsCode, double[] wsen, int width, int height, int[] bands, OutputStream out)
            throws IOException, DataException {
        CoordinateReferenceSystem crs = Crs.decode(crsCode);
        GeneralEnvelope geo = new GeneralEnvelope(CommonCRS.WGS84.normalizedGeographic());
        geo.setRange(0, wsen[0], wsen[2]);
        geo.setRange(1, wsen[1], wsen[3]);
        Envelope e;
        try {
            e = Envelopes.transform(geo, crs);
        } catch (TransformException ex) {
            throw new FormatException(DataException.describe("OUTPUTCRS", "cannot express the area in " + crsCode,
                    "an area inside the CRS's domain", java.util.Arrays.toString(wsen), null), ex);
        }
        double[] box = {e.getMinimum(0), e.getMinimum(1), e.getMaximum(0), e.getMaximum(1)};
        TargetGrid grid = TargetGrid.of(crs, box, width, height);
        org.healpixzarr.render.GeoTiffExport.write(first(layer), grid, layer.variable(), bands, out);
    }

    private static CellSampler first(Layer layer) throws FormatException {
        if (layer.samplers().isEmpty()) {
            throw new FormatException(DataException.describe(layer.name(), "layer has no store", "at least one store", 0, "check the catalogue"));
        }
        return layer.samplers().get(0);
    }
}
