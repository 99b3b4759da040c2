package org.healpixzarr.coverage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.metadata.iso.DefaultMetadata;
import org.apache.sis.metadata.iso.citation.DefaultCitation;
import org.apache.sis.metadata.iso.extent.DefaultExtent;
import org.apache.sis.metadata.iso.extent.DefaultGeographicBoundingBox;
import org.apache.sis.metadata.iso.identification.DefaultDataIdentification;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.storage.Aggregate;
import org.apache.sis.storage.DataStore;
import org.apache.sis.storage.DataStoreException;
import org.apache.sis.storage.GridCoverageResource;
import org.apache.sis.storage.StorageConnector;
import org.apache.sis.util.iso.Names;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.healpix.HealpixGrid;
import org.opengis.metadata.Metadata;
import org.opengis.parameter.ParameterValueGroup;
import org.opengis.util.GenericName;

/**
 * A DGGS-Zarr store seen through Apache SIS: an {@link Aggregate} of one {@link GridCoverageResource} per variable
 * (a multi-band variable is one resource with one sample dimension per band). TESSERA embeddings
 * ({@code embeddings} int8 [cells, 128] with {@code scales}) are served dequantised (int8 × scale), and, when the
 * {@code embeddings} array carries a {@code pca} attribute, as a 3-band colour view {@code embeddings_pca}
 * (components scaled by the attribute's ranges to [0, 1]).
 *
 * <p>Every resource reads any grid in CRS:84, EPSG:4326, EPSG:3857 or a WGS84 UTM zone, of any size, returning a
 * float32 coverage with NaN where there is no data, on exactly the requested grid. Its default grid
 * ({@link GridCoverageResource#getGridGeometry()}) covers the store's bounding box in CRS:84 at about the native
 * resolution, at most {@value #MAX_DEFAULT_SIZE} pixels a side.
 *
 * <p>Open with {@code DataStores.open(path)} or {@link #open(Path)}; close to release the store. Thread-safe for
 * reads.
 */
public final class DggsZarrDataStore extends DataStore implements Aggregate {
    /** Largest side of the default grid, pixels. */
    public static final int MAX_DEFAULT_SIZE = 4096;

    private final Path path;
    private final DggsStore store;
    private final CellSampler sampler;
    private final GridGeometry defaultGrid;
    private final List<GridCoverageResource> resources;

    DggsZarrDataStore(DggsZarrStoreProvider provider, StorageConnector connector, Path path) throws DataStoreException {
        super(provider, connector);
        this.path = path;
        try {
            connector.closeAllExcept(null);
            this.store = DggsStore.open(path);
            this.sampler = CellSampler.of(store);
            this.defaultGrid = defaultGrid(store, sampler);
            this.resources = Collections.unmodifiableList(resources());
        } catch (IOException | DataException | RuntimeException e) {
            throw new DataStoreException(e.getMessage(), e);
        }
    }

    /** Opens a store folder directly (same as {@code DataStores.open(path)} for a store). */
    public static DggsZarrDataStore open(Path path) throws DataStoreException {
        return new DggsZarrDataStore(new DggsZarrStoreProvider(), new StorageConnector(path), path);
    }

    private List<GridCoverageResource> resources() throws DataException {
        List<GridCoverageResource> out = new ArrayList<>();
        boolean embeddings = false;
        for (VariableInfo v : store.variables()) {
            if (v.name().equals("embeddings") && has("scales")) {
                embeddings = true;
                out.add(new CellCoverageResource(this, CellCoverageResource.Kind.DEQUANTISED, v, null));
            } else {
                out.add(new CellCoverageResource(this, CellCoverageResource.Kind.PLAIN, v, null));
            }
        }
        if (embeddings) {
            VariableInfo e = store.variable("embeddings");
            Pca pca = Pca.of(e.attributes().get("pca"), e.bands());
            if (pca != null) out.add(new CellCoverageResource(this, CellCoverageResource.Kind.PCA, e, pca));
        }
        return out;
    }

    private boolean has(String name) {
        return store.variables().stream().anyMatch(v -> v.name().equals(name));
    }

    /** The store's bbox in CRS:84 (east unwrapped past 180 across the antimeridian) at about the native resolution. */
    private static GridGeometry defaultGrid(DggsStore store, CellSampler sampler) throws DataException {
        double[] b = store.bbox();
        if (b == null) b = new double[] {-180, -90, 180, 90};
        double west = b[0], south = b[1], east = b[2] < b[0] ? b[2] + 360 : b[2], north = b[3];
        double edge = Math.max(sampler.radiusMetres(), HealpixGrid.of(store.ellipsoid(), store.nativeDepth()).cellEdgeMetres());
        double step = Math.toDegrees(edge / TargetGrid.EARTH_RADIUS);
        if (!(east > west)) east = west + step;
        if (!(north > south)) north = south + step;
        step = Math.max(step, Math.max(east - west, north - south) / MAX_DEFAULT_SIZE);
        int w = (int) Math.max(1, Math.min(MAX_DEFAULT_SIZE, Math.ceil((east - west) / step)));
        int h = (int) Math.max(1, Math.min(MAX_DEFAULT_SIZE, Math.ceil((north - south) / step)));
        return TargetGrid.gridGeometry(CommonCRS.defaultGeographic(), new double[] {west, south, east, north}, w, h);
    }

    /** The underlying store (owned by this data store: do not close it). */
    public DggsStore dggsStore() {
        return store;
    }

    /** The sampler the resources read through (shared; thread-safe). */
    public CellSampler sampler() {
        return sampler;
    }

    GridGeometry defaultGrid() {
        return defaultGrid;
    }

    /** The folder of the store. */
    public Path path() {
        return path;
    }

    @Override
    public Optional<ParameterValueGroup> getOpenParameters() {
        ParameterValueGroup p = getProvider().getOpenParameters().createValue();
        p.parameter(DggsZarrStoreProvider.LOCATION).setValue(path.toUri());
        return Optional.of(p);
    }

    @Override
    public Optional<GenericName> getIdentifier() {
        String n = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        if (n.endsWith(".zarr")) n = n.substring(0, n.length() - 5);
        return Optional.of(Names.createLocalName(null, null, n));
    }

    @Override
    public Metadata getMetadata() {
        DefaultMetadata md = new DefaultMetadata();
        DefaultDataIdentification id = new DefaultDataIdentification();
        Map<String, Object> a = store.attributes();
        Object title = a.get("title");
        id.setCitation(new DefaultCitation(title != null ? title.toString() : getIdentifier().get().toString()));
        double[] b = store.bbox();
        if (b != null) {
            DefaultExtent e = new DefaultExtent();
            // a box across the antimeridian keeps west > east, as ISO 19115 allows
            e.getGeographicElements().add(new DefaultGeographicBoundingBox(b[0], b[2], b[1], b[3]));
            id.getExtents().add(e);
        }
        md.getIdentificationInfo().add(id);
        return md;
    }

    @Override
    public List<GridCoverageResource> components() {
        return resources;
    }

    @Override
    public void close() {
        store.close();
    }
}
