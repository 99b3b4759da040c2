package org.healpixzarr.server.interop;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.server.HealpixZarrServer;
import org.healpixzarr.server.catalog.Catalog;
import org.healpixzarr.server.ows.SampleStores;

/**
 * The real Jetty server on a free loopback port, started once per test JVM and shared by the interop tests: the
 * EarthCARE MSI aerosol sample converted by the real CLI, added as store {@code earthcare:aot} and published as
 * layer {@value #LAYER} (viewing zenith angle, degrees) and {@value #LAYER_AOT}. Stopped when the JVM exits.
 */
final class InteropServer {
    static final String LAYER = "earthcare:vza";
    static final String COVERAGE = "earthcare__vza";
    static final String VARIABLE = "viewing_zenith_angle";
    static final String LAYER_AOT = "earthcare:aot670";

    private static InteropServer instance;

    final HealpixZarrServer server;
    final Path dataDir;
    final String password;
    /** The store's bounding box: west, south, east, north (degrees). */
    final double[] bbox;
    /** Centres (lon, lat) of the cells with a valid viewing zenith angle, and those values. */
    final double[][] cells;
    final float[] values;
    /** The native cell edge in metres: the sampler's search radius when zoomed in. */
    final double radius;
    /** A box of ~18 km around an observation in the middle of the frame (west, south, east, north): pixels of 70 m at 256². */
    final double[] zoom;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private InteropServer() throws IOException, org.healpixzarr.DataException {
        dataDir = Files.createTempDirectory("healpix-zarr-interop");
        Path store = SampleStores.convert(SampleStores.AOT, dataDir.resolve("stores/aot.zarr"));
        StringWriter console = new StringWriter();
        server = HealpixZarrServer.builder().dataDir(dataDir).port(0).console(new PrintWriter(console, true)).start();
        Matcher m = Pattern.compile("Admin password: (\\S+)").matcher(console.toString());
        password = m.find() ? m.group(1) : null;
        try {
            Catalog c = server.catalog();
            c.createWorkspace("earthcare");
            c.addStore("earthcare", "aot", "stores/aot.zarr", "EarthCARE MSI aerosol, frame 06109D (sample)");
            c.publish("earthcare", "aot", "vza", VARIABLE, null);
            c.publish("earthcare", "aot", "aot670", "aerosol_optical_thickness_670nm", null);
        } catch (org.healpixzarr.server.catalog.CatalogException e) {
            throw new IOException(e);
        }
        try (DggsStore s = DggsStore.open(store)) {
            bbox = s.bbox();
            radius = HealpixGrid.of(Ellipsoid.WGS84, s.nativeDepth()).cellEdgeMetres();
            long[] ids = s.readCellIds(0, s.cellCount());
            float[] v = (float[]) s.read(VARIABLE, 0, s.cellCount());
            HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
            List<double[]> cs = new ArrayList<>();
            List<Float> vs = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                if (Float.isNaN(v[i]) || Math.abs(v[i]) > 1e30) continue;
                cs.add(g.center(ids[i]));
                vs.add(v[i]);
            }
            cells = cs.toArray(double[][]::new);
            values = new float[vs.size()];
            for (int i = 0; i < values.length; i++) values[i] = vs.get(i);
            double[] c = cells[cells.length / 2];
            double h = 0.08, hx = h / Math.cos(Math.toRadians(c[1]));
            zoom = new double[] {c[0] - hx, c[1] - h, c[0] + hx, c[1] + h};
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temporary folder
            }
        }));
    }

    static synchronized InteropServer get() throws IOException {
        try {
            if (instance == null) instance = new InteropServer();
        } catch (org.healpixzarr.DataException e) {
            throw new IOException(e);
        }
        return instance;
    }

    /** {@code http://127.0.0.1:PORT} without a trailing slash. */
    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** {@code http://127.0.0.1:PORT/ows}. */
    String ows() {
        return base() + "/ows";
    }

    /** GETs {@code /ows?query} (query already encoded). */
    HttpResponse<byte[]> get(String query) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(ows() + "?" + query)).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
