package org.healpixzarr.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.server.ows.OwsService;
import org.healpixzarr.zarr.DataType;

/** A server on a free loopback port over a data folder, with an HTTP client speaking to it for real. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PASSWORD = Pattern.compile("Admin password: (\\S+)");

    final HealpixZarrServer server;
    final String console;
    /** The password printed at this start, or null if none was (an existing password file). */
    final String printedPassword;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    String password;

    private TestServer(HealpixZarrServer server, String console, String password) {
        this.server = server;
        this.console = console;
        this.printedPassword = password;
        this.password = password;
    }

    static TestServer start(Path dataDir, UnaryOperator<HealpixZarrServer.Builder> options) throws IOException {
        StringWriter console = new StringWriter();
        HealpixZarrServer s = options.apply(HealpixZarrServer.builder().dataDir(dataDir).port(0)
                .console(new PrintWriter(console, true))).start();
        Matcher m = PASSWORD.matcher(console.toString());
        return new TestServer(s, console.toString(), m.find() ? m.group(1) : null);
    }

    static TestServer start(Path dataDir) throws IOException {
        return start(dataDir, b -> b);
    }

    static TestServer start(Path dataDir, Map<String, OwsService> services) throws IOException {
        return start(dataDir, b -> b.services(services));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    /** An authenticated admin request with a JSON body (null: none). */
    HttpResponse<String> admin(String method, String path, Object body) throws IOException, InterruptedException {
        return admin(method, path, body, "admin", password);
    }

    HttpResponse<String> admin(String method, String path, Object body, String user, String pw)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8)));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return send(b);
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Override
    public void close() {
        server.close();
    }

    /**
     * Writes a small valid DGGS-Zarr store: one float32 variable {@code temperature} and one uint8 class variable
     * {@code flag}, cells along a line at latitude {@code lat} from longitude {@code lon0}, time coverage and title set.
     */
    static Path writeStore(Path store, double lon0, double lat, String start, String end) throws Exception {
        int n = 2000;
        long[] ids = new long[n];
        float[] t = new float[n];
        byte[] f = new byte[n];
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        for (int i = 0; i < n; i++) {
            ids[i] = g.hash(lon0 + i * 1e-3, lat);
            t[i] = 270 + i * 0.01f;
            f[i] = (byte) (i % 3);
        }
        java.util.Arrays.sort(ids);
        try (DggsWriter w = DggsWriter.builder(store).chunking(500, 2)
                .attributes(Map.of("title", "Test store " + store.getFileName(), "time_coverage_start", start, "time_coverage_end", end))
                .variable(new VariableSpec("temperature", DataType.FLOAT32, 1, Float.NaN,
                        Map.of("units", "K", "long_name", "air temperature"), VariableKind.QUANTITY))
                .variable(new VariableSpec("flag", DataType.UINT8, 1, 255, Map.of(), VariableKind.CLASS)).build()) {
            w.add(ids, new Object[] {t, f}, 0, n);
            w.finish();
        }
        return store;
    }

    static Map<String, Object> obj(String k, Object v) {
        return Map.of(k, v);
    }

    static List<String> names(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }
}
