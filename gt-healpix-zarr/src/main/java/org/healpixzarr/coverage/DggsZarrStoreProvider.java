package org.healpixzarr.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.sis.parameter.ParameterBuilder;
import org.apache.sis.storage.DataStore;
import org.apache.sis.storage.DataStoreException;
import org.apache.sis.storage.DataStoreProvider;
import org.apache.sis.storage.ProbeResult;
import org.apache.sis.storage.StorageConnector;
import org.opengis.parameter.ParameterDescriptor;
import org.opengis.parameter.ParameterDescriptorGroup;

/**
 * Apache SIS provider of the DGGS-Zarr format (layout v1 of healpix-zarr), registered as a service so that
 * {@code DataStores.open(path)} opens a store folder (or its {@code zarr.json}) as a {@link DggsZarrDataStore}.
 *
 * <p>{@link #probeContent} never throws on foreign content: anything that is not a folder whose root
 * {@code zarr.json} is a Zarr v3 group with the {@code dggs} and {@code healpix_zarr} attributes is
 * {@link ProbeResult#UNSUPPORTED_STORAGE}. Thread-safe.
 */
public final class DggsZarrStoreProvider extends DataStoreProvider {
    /** Format name. */
    public static final String NAME = "DGGS-Zarr";
    /** MIME type reported by a successful probe (the STAC Zarr best-practice form). */
    public static final String MIME_TYPE = "application/vnd.zarr; version=3";

    private static final ParameterDescriptor<URI> LOCATION_PARAM = new ParameterBuilder().addName(LOCATION)
            .setRequired(true).create(URI.class, null);
    private static final ParameterDescriptorGroup PARAMETERS = new ParameterBuilder().addName(NAME).createGroup(LOCATION_PARAM);
    private static final long MAX_METADATA_BYTES = 16 << 20;

    /** Creates the provider (called by the service loader). */
    public DggsZarrStoreProvider() {}

    @Override
    public String getShortName() {
        return NAME;
    }

    @Override
    public ParameterDescriptorGroup getOpenParameters() {
        return PARAMETERS;
    }

    static ParameterDescriptor<URI> locationParameter() {
        return LOCATION_PARAM;
    }

    @Override
    public ProbeResult probeContent(StorageConnector connector) throws DataStoreException {
        Path p = path(connector);
        return p != null && isStore(p) ? new ProbeResult(true, MIME_TYPE, null) : ProbeResult.UNSUPPORTED_STORAGE;
    }

    /** The folder a connector designates ({@code zarr.json} stands for its folder), or null. */
    static Path path(StorageConnector connector) {
        try {
            Object s = connector.getStorage();
            if (!(s instanceof Path || s instanceof java.io.File || s instanceof URI || s instanceof java.net.URL
                    || s instanceof CharSequence)) {
                return null;
            }
            Path p = connector.getStorageAs(Path.class);
            if (p == null) return null;
            if (p.getFileName() != null && p.getFileName().toString().equals("zarr.json") && Files.isRegularFile(p)) {
                p = p.toAbsolutePath().getParent();
            }
            return p;
        } catch (DataStoreException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code folder} is a healpix-zarr DGGS-Zarr store; false (never an exception) for anything else. */
    static boolean isStore(Path folder) {
        try {
            if (!Files.isDirectory(folder)) return false;
            Path zj = folder.resolve("zarr.json");
            if (!Files.isRegularFile(zj) || Files.size(zj) > MAX_METADATA_BYTES) return false;
            JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(zj));
            if (root == null || !root.path("node_type").asText().equals("group") || root.path("zarr_format").asInt() != 3) {
                return false;
            }
            JsonNode a = root.path("attributes");
            return a.path("dggs").isObject() && a.path("healpix_zarr").isObject()
                    && a.path("dggs").path("name").asText().equals("healpix");
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public DataStore open(StorageConnector connector) throws DataStoreException {
        Path p = path(connector);
        if (p == null) {
            throw new DataStoreException(NAME + ": cannot open " + connector.getStorageName() + " (not a local folder)");
        }
        return new DggsZarrDataStore(this, connector, p);
    }
}
