package org.healpixzarr.coverage;

import java.awt.Dimension;
import java.awt.image.DataBufferFloat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.measure.Unit;
import org.apache.sis.coverage.SampleDimension;
import org.apache.sis.coverage.grid.GridCoverage;
import org.apache.sis.coverage.grid.GridCoverageBuilder;
import org.apache.sis.coverage.grid.GridExtent;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.geometry.Envelopes;
import org.apache.sis.measure.Units;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.storage.AbstractGridCoverageResource;
import org.apache.sis.storage.DataStoreException;
import org.apache.sis.util.iso.Names;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.dggs.VariableKind;
import org.opengis.geometry.Envelope;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.cs.AxisDirection;
import org.opengis.util.GenericName;

/** One variable (or the embeddings' colour view) of a {@link DggsZarrDataStore}. Thread-safe. */
final class CellCoverageResource extends AbstractGridCoverageResource {
    /** How the values are derived from the store. */
    enum Kind {
        /** The variable's values, one sample dimension per band. */
        PLAIN,
        /** {@code embeddings × scales}. */
        DEQUANTISED,
        /** The 3 PCA components of the dequantised embeddings, scaled to [0, 1]. */
        PCA
    }

    private final DggsZarrDataStore owner;
    private final Kind kind;
    private final VariableInfo info;
    private final Pca pca;
    private final String name;
    private final List<SampleDimension> dimensions;

    CellCoverageResource(DggsZarrDataStore owner, Kind kind, VariableInfo info, Pca pca) {
        super(owner);
        this.owner = owner;
        this.kind = kind;
        this.info = info;
        this.pca = pca;
        this.name = kind == Kind.PCA ? info.name() + "_pca" : info.name();
        List<SampleDimension> d = new ArrayList<>();
        if (kind == Kind.PCA) {
            for (int k = 1; k <= 3; k++) d.add(dimension("pc" + k, Units.UNITY, true));
        } else if (info.bands() == 1) {
            d.add(dimension(name, unit(info.units()), info.kind() == VariableKind.QUANTITY));
        } else {
            Unit<?> u = unit(info.units());
            for (int b = 0; b < info.bands(); b++) d.add(dimension(name + "_" + b, u, info.kind() == VariableKind.QUANTITY));
        }
        this.dimensions = List.copyOf(d);
    }

    /** A float32 sample dimension with NaN as its no-data value; quantities get their unit. */
    private static SampleDimension dimension(String name, Unit<?> unit, boolean quantity) {
        SampleDimension.Builder b = new SampleDimension.Builder().setName(name).setBackground(null, Float.NaN);
        if (quantity) b.addQuantitative(name, -Float.MAX_VALUE, Float.MAX_VALUE, unit);
        return b.build();
    }

    /** The SIS unit of a CF units string, or null if SIS cannot parse it (e.g. "seconds since ..."). */
    static Unit<?> unit(String units) {
        if (units == null || units.isBlank()) return null;
        try {
            return Units.valueOf(units.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Optional<GenericName> getIdentifier() {
        return Optional.of(Names.createLocalName(null, null, name));
    }

    @Override
    public GridGeometry getGridGeometry() {
        return owner.defaultGrid();
    }

    @Override
    public List<SampleDimension> getSampleDimensions() {
        return dimensions;
    }

    @Override
    public GridCoverage read(GridGeometry domain, int... ranges) throws DataStoreException {
        long start = System.nanoTime();
        int[] bands = bands(ranges);
        try {
            TargetGrid grid = target(domain);
            int n = grid.width() * grid.height();
            float[][] banks = new float[bands.length][];
            CellSampler sampler = owner.sampler();
            switch (kind) {
                case PLAIN: {
                    Samples s = sampler.sample(grid, List.of(info.name()));
                    for (int i = 0; i < bands.length; i++) banks[i] = s.band(info.name(), bands[i]);
                    break;
                }
                case DEQUANTISED: {
                    Samples s = sampler.sample(grid, List.of(info.name(), "scales"));
                    float[] scale = s.band("scales", 0);
                    for (int i = 0; i < bands.length; i++) {
                        float[] v = s.band(info.name(), bands[i]);
                        for (int p = 0; p < n; p++) v[p] *= scale[p];
                        banks[i] = v;
                    }
                    break;
                }
                default: {
                    Samples s = sampler.sample(grid, List.of(info.name(), "scales"));
                    float[][] all = new float[3][n];
                    double[] e = new double[info.bands()];
                    for (int p = 0; p < n; p++) {
                        double scale = s.value("scales", 0, p);
                        boolean ok = s.has(p) && !Double.isNaN(scale);
                        for (int b = 0; ok && b < e.length; b++) {
                            e[b] = s.value(info.name(), b, p) * scale;
                            ok = !Double.isNaN(e[b]);
                        }
                        for (int k = 0; k < 3; k++) all[k][p] = ok ? (float) pca.project(e, k) : Float.NaN;
                    }
                    for (int i = 0; i < bands.length; i++) banks[i] = all[bands[i]];
                }
            }
            List<SampleDimension> dims = new ArrayList<>();
            for (int b : bands) dims.add(dimensions.get(b));
            GridCoverage c = new GridCoverageBuilder().setDomain(grid.gridGeometry()).setRanges(dims)
                    .setValues(new DataBufferFloat(banks, n), new Dimension(grid.width(), grid.height())).build();
            logReadOperation(owner.path(), grid.gridGeometry(), start);
            return c;
        } catch (IOException | DataException e) {
            throw new DataStoreException(owner.path() + ", " + name + ": " + e.getMessage(), e);
        }
    }

    private int[] bands(int[] ranges) throws DataStoreException {
        if (ranges == null || ranges.length == 0) {
            int[] all = new int[dimensions.size()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        for (int r : ranges) {
            if (r < 0 || r >= dimensions.size()) {
                throw new DataStoreException(name + ": band " + r + " out of range 0.." + (dimensions.size() - 1));
            }
        }
        return ranges.clone();
    }

    /**
     * The grid to read: the domain when complete; an envelope (with or without an extent) at the default
     * resolution; an extent alone over the default envelope; nothing at all: the default grid.
     */
    private TargetGrid target(GridGeometry domain) throws DataException {
        GridGeometry def = owner.defaultGrid();
        if (domain == null) return TargetGrid.of(def);
        if (domain.isDefined(GridGeometry.EXTENT | GridGeometry.GRID_TO_CRS | GridGeometry.CRS)) return TargetGrid.of(domain);
        GridExtent ext = domain.isDefined(GridGeometry.EXTENT) ? domain.getExtent() : null;
        Envelope env = domain.isDefined(GridGeometry.ENVELOPE) ? domain.getEnvelope() : def.getEnvelope();
        CoordinateReferenceSystem crs = env.getCoordinateReferenceSystem();
        if (crs == null) crs = CommonCRS.defaultGeographic();
        double[] bbox = {env.getMinimum(0), env.getMinimum(1), env.getMaximum(0), env.getMaximum(1)};
        int w, h;
        if (ext != null && ext.getDimension() >= 2) {
            w = (int) Math.min(Integer.MAX_VALUE, ext.getSize(0));
            h = (int) Math.min(Integer.MAX_VALUE, ext.getSize(1));
        } else {
            double step = def.getResolution(true)[1];
            Envelope ll;
            try {
                ll = Envelopes.transform(env, CommonCRS.defaultGeographic());
            } catch (Exception e) {
                throw new DataException(DataException.describe(name, "cannot express the requested envelope in CRS:84",
                        null, env, "give a complete grid geometry"), e);
            }
            w = (int) Math.max(1, Math.min(DggsZarrDataStore.MAX_DEFAULT_SIZE, Math.ceil(ll.getSpan(0) / step)));
            h = (int) Math.max(1, Math.min(DggsZarrDataStore.MAX_DEFAULT_SIZE, Math.ceil(ll.getSpan(1) / step)));
            // keep the image's shape in the requested CRS (its x and y axes)
            double ratio = (bbox[2] - bbox[0]) / (bbox[3] - bbox[1]);
            if (ratio > 0 && Double.isFinite(ratio)) {
                int side = Math.max(w, h);
                boolean latLon = crs.getCoordinateSystem().getAxis(0).getDirection() == AxisDirection.NORTH;
                double xOverY = latLon ? 1 / ratio : ratio;
                if (xOverY >= 1) {
                    w = side;
                    h = (int) Math.max(1, Math.round(side / xOverY));
                } else {
                    h = side;
                    w = (int) Math.max(1, Math.round(side * xOverY));
                }
            }
        }
        return TargetGrid.of(TargetGrid.gridGeometry(crs, bbox, w, h));
    }
}
