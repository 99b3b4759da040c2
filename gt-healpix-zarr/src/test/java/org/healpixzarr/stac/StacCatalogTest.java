package org.healpixzarr.stac;

import static org.healpixzarr.testing.Cli.cli;
import org.healpixzarr.testing.Cli.Run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.healpixzarr.FormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STAC catalogue of real stores (the EarthCARE sample frames converted by the CLI), checked against the
 * STAC 1.0.0 JSON schemas with a real validator working offline.
 */
class StacCatalogTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String STAC = "https://schemas.stacspec.org/v1.0.0/";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
            b -> b.schemaMappers(m -> m.mapPrefix(STAC, "classpath:stac-schemas/v1.0.0/")
                    .mapPrefix("https://geojson.org/schema/", "classpath:stac-schemas/geojson/")));
    private static final Map<String, JsonSchema> SCHEMAS = Map.of(
            "Catalog", FACTORY.getSchema(SchemaLocation.of(STAC + "catalog-spec/json-schema/catalog.json")),
            "Collection", FACTORY.getSchema(SchemaLocation.of(STAC + "collection-spec/json-schema/collection.json")),
            "Feature", FACTORY.getSchema(SchemaLocation.of(STAC + "item-spec/json-schema/item.json")));

    /** Three frames (06109C, 06109D, 06110A which crosses the antimeridian), converted once. */
    @TempDir
    static Path stores;

    @TempDir
    Path dir;

    static Path samples() throws URISyntaxException {
        return Paths.get(StacCatalogTest.class.getResource("/earthcare").toURI());
    }

    @BeforeAll
    static void convert() throws Exception {
        Run r = cli("convert", "earthcare", samples().toString(), "-o", stores.toString(), "-q");
        assertEquals(0, r.code(), r.err());
    }

    static List<String> validate(JsonNode json) {
        JsonSchema schema = SCHEMAS.get(json.path("type").asText());
        assertTrue(schema != null, "no STAC type: " + json.path("type"));
        List<String> errors = new ArrayList<>();
        for (ValidationMessage m : schema.validate(json)) errors.add(m.getMessage());
        return errors;
    }

    /** Every .json file of the catalogue (outside the stores), by path. */
    static Map<Path, byte[]> catalogueFiles(Path root) throws IOException {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : (Iterable<Path>) w::iterator) {
                if (p.toString().contains(".zarr") || !p.toString().endsWith(".json")) continue;
                files.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void tesseraPartitionsGetAValidCollectionOfTheirYear(@org.junit.jupiter.api.io.TempDir Path out) throws Exception {
        Path tiles = Paths.get(StacCatalogTest.class.getResource("/tessera").toURI());
        Run r = cli("convert", "tessera", tiles.toString(), "--year", "2024", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("STAC catalogue updated"), r.out());
        JsonNode collection = MAPPER.readTree(out.resolve("tessera-2024/collection.json").toFile());
        assertEquals("tessera-2024", collection.path("id").asText());
        Map<Path, byte[]> files = catalogueFiles(out);
        assertTrue(files.size() >= 3, files.keySet().toString());
        for (Map.Entry<Path, byte[]> f : files.entrySet()) {
            assertEquals(List.of(), validate(MAPPER.readTree(f.getValue())), f.getKey().toString());
        }
    }

    @Test
    void everyFileIsValidStacAndEveryLinkResolves() throws Exception {
        StacCatalog.Result r = StacCatalog.rebuild(stores);
        assertEquals(1, r.collections().size());
        assertEquals("earthcare-msi-l2a", r.collections().get(0).id());
        assertEquals(List.of("EarthCARE_MSI_L2A_06109C", "EarthCARE_MSI_L2A_06109D", "EarthCARE_MSI_L2A_06110A"),
                r.collections().get(0).items());
        assertTrue(r.skipped().isEmpty(), r.skipped().toString());
        Map<Path, byte[]> files = catalogueFiles(stores);
        assertEquals(5, files.size(), files.keySet().toString());
        int links = 0;
        for (Path rel : files.keySet()) {
            Path file = stores.resolve(rel);
            JsonNode json = MAPPER.readTree(file.toFile());
            assertEquals(List.of(), validate(json), rel.toString());
            assertEquals("1.0.0", json.get("stac_version").asText());
            for (JsonNode l : json.get("links")) {
                String href = l.get("href").asText();
                assertFalse(href.contains(":") || href.startsWith("/"), "not relative: " + href);
                assertFalse(l.get("rel").asText().equals("self"), "self link in a self-contained catalogue");
                assertTrue(Files.isRegularFile(file.getParent().resolve(href)), rel + " -> " + href);
                links++;
            }
            if (json.get("type").asText().equals("Feature")) {
                JsonNode a = json.get("assets").get("data");
                Path store = file.getParent().resolve(a.get("href").asText()).normalize();
                assertTrue(Files.isRegularFile(store.resolve("zarr.json")), "asset " + store);
                assertEquals(json.get("id").asText() + ".zarr", store.getFileName().toString());
                assertEquals("application/vnd.zarr; version=3", a.get("type").asText());
                assertEquals("[\"data\"]", a.get("roles").toString());
                JsonNode p = json.get("properties");
                assertTrue(p.get("datetime").isNull());
                assertTrue(p.get("start_datetime").asText().startsWith("2025-06-2"), p.toString());
                assertTrue(p.get("start_datetime").asText().compareTo(p.get("end_datetime").asText()) < 0);
                assertEquals("earthcare", p.get("platform").asText());
                assertEquals("[\"msi\"]", p.get("instruments").toString());
                assertEquals("healpix", p.get("dggs:name").asText());
                assertEquals(29, p.get("dggs:refinement_level").asInt());
                assertEquals("WGS84", p.get("dggs:ellipsoid").asText());
                assertTrue(p.get("healpix_zarr:cells").asLong() > 0);
                assertTrue(p.has("healpix_zarr:collisions"));
                assertEquals("earthcare-msi-l2a", json.get("collection").asText());
            }
        }
        assertEquals(2 + (2 + 3) + 3 * 3, links); // catalog: root, child; collection: root, parent, 3 items; items: 3 each
    }

    @Test
    void theAntimeridianFrameIsSplitIntoTwoPolygons() throws Exception {
        StacCatalog.rebuild(stores);
        Path dirItems = stores.resolve("earthcare-msi-l2a");
        JsonNode a = MAPPER.readTree(dirItems.resolve("EarthCARE_MSI_L2A_06110A/EarthCARE_MSI_L2A_06110A.json").toFile());
        double[] b = MAPPER.convertValue(a.get("bbox"), double[].class);
        assertTrue(b[0] > b[2], "west > east across the antimeridian: " + a.get("bbox"));
        JsonNode g = a.get("geometry");
        assertEquals("MultiPolygon", g.get("type").asText());
        assertEquals(2, g.get("coordinates").size());
        JsonNode east = g.get("coordinates").get(0).get(0), west = g.get("coordinates").get(1).get(0);
        assertEquals(b[0], east.get(0).get(0).asDouble());
        assertEquals(180, east.get(1).get(0).asDouble());
        assertEquals(-180, west.get(0).get(0).asDouble());
        assertEquals(b[2], west.get(1).get(0).asDouble());
        for (JsonNode ring : List.of(east, west)) {
            assertEquals(5, ring.size());
            assertEquals(ring.get(0), ring.get(4));
            assertEquals(b[1], ring.get(0).get(1).asDouble());
            assertEquals(b[3], ring.get(2).get(1).asDouble());
            assertTrue(signedArea(ring) > 0, "counter-clockwise exterior ring: " + ring);
        }
        JsonNode c = MAPPER.readTree(dirItems.resolve("EarthCARE_MSI_L2A_06109D/EarthCARE_MSI_L2A_06109D.json").toFile());
        assertEquals("Polygon", c.get("geometry").get("type").asText());
        assertTrue(signedArea(c.get("geometry").get("coordinates").get(0)) > 0);
        // the collection's extent holds every item's box
        JsonNode coll = MAPPER.readTree(dirItems.resolve("collection.json").toFile());
        double[] u = MAPPER.convertValue(coll.get("extent").get("spatial").get("bbox").get(0), double[].class);
        for (String id : List.of("06109C", "06109D", "06110A")) {
            JsonNode i = MAPPER.readTree(dirItems.resolve("EarthCARE_MSI_L2A_" + id + "/EarthCARE_MSI_L2A_" + id + ".json")
                    .toFile());
            double[] ib = MAPPER.convertValue(i.get("bbox"), double[].class);
            assertTrue(u[1] <= ib[1] && ib[3] <= u[3], id);
            assertTrue(inArc(ib[0], u) && inArc(ib[2], u), id + " " + java.util.Arrays.toString(ib) + " in "
                    + java.util.Arrays.toString(u));
        }
    }

    static boolean inArc(double lon, double[] box) {
        double span = box[0] <= box[2] ? box[2] - box[0] : box[2] + 360 - box[0];
        double l = lon - 360 * Math.floor((lon - box[0]) / 360);
        return l - box[0] <= span + 1e-9;
    }

    static double signedArea(JsonNode ring) {
        double s = 0;
        for (int i = 0; i + 1 < ring.size(); i++) {
            s += ring.get(i).get(0).asDouble() * ring.get(i + 1).get(1).asDouble()
                    - ring.get(i + 1).get(0).asDouble() * ring.get(i).get(1).asDouble();
        }
        return s / 2;
    }

    @Test
    void theValidatorRejectsBrokenDocuments() throws Exception {
        StacCatalog.rebuild(stores);
        Path item = stores.resolve("earthcare-msi-l2a/EarthCARE_MSI_L2A_06109C/EarthCARE_MSI_L2A_06109C.json");
        ObjectNode ok = (ObjectNode) MAPPER.readTree(item.toFile());
        assertEquals(List.of(), validate(ok));
        ObjectNode noTime = ok.deepCopy();
        ((ObjectNode) noTime.get("properties")).remove(List.of("datetime", "start_datetime", "end_datetime"));
        assertFalse(validate(noTime).isEmpty(), "an item without datetime must be rejected");
        ObjectNode nullTimeNoRange = ok.deepCopy();
        ((ObjectNode) nullTimeNoRange.get("properties")).remove("end_datetime");
        assertFalse(validate(nullTimeNoRange).isEmpty(), "datetime null needs start and end");
        ObjectNode badGeometry = ok.deepCopy();
        ((ObjectNode) badGeometry.get("geometry")).put("type", "Polygone");
        assertFalse(validate(badGeometry).isEmpty(), "GeoJSON schema must be applied");
        ObjectNode noLinks = ok.deepCopy();
        noLinks.remove("links");
        assertFalse(validate(noLinks).isEmpty());
        ObjectNode coll = (ObjectNode) MAPPER.readTree(stores.resolve("earthcare-msi-l2a/collection.json").toFile());
        coll.remove("license");
        assertFalse(validate(coll).isEmpty(), "a collection needs a licence");
        ObjectNode cat = (ObjectNode) MAPPER.readTree(stores.resolve("catalog.json").toFile());
        cat.remove("description");
        assertFalse(validate(cat).isEmpty(), "a catalog needs a description");
    }

    @Test
    void rebuildingIsByteIdenticalAndMatchesWhatTheConverterWrote() throws Exception {
        Map<Path, byte[]> byConverter = catalogueFiles(stores); // the hook of 'convert earthcare' (or an earlier test)
        StacCatalog.Result r = StacCatalog.rebuild(stores);
        Map<Path, byte[]> first = catalogueFiles(stores);
        assertEquals(5, first.size());
        long modified = Files.getLastModifiedTime(r.catalog()).toMillis();
        StacCatalog.update(stores);
        Map<Path, byte[]> second = catalogueFiles(stores);
        assertEquals(first.keySet(), second.keySet());
        for (Path p : first.keySet()) {
            assertArrayEquals(first.get(p), second.get(p), p.toString());
            assertArrayEquals(byConverter.get(p), first.get(p), p.toString());
        }
        assertEquals(modified, Files.getLastModifiedTime(r.catalog()).toMillis(), "unchanged files are not rewritten");
        String text = new String(first.get(Path.of("catalog.json")), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("}\n") && !text.contains("\r"), text);
        try (Stream<Path> w = Files.walk(stores)) {
            assertFalse(w.anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary files left");
        }
    }

    @Test
    void oneStoreOutputCataloguesItsFolderAndRemovedStoresDisappear() throws Exception {
        Path out = dir.resolve("frames");
        Path c = samples().resolve("ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06109C.ZIP");
        Path o = samples().resolve("ECA_EXBA_MSI_COP_2A_20250625T135845Z_20250929T143920Z_06109C.ZIP");
        Run r = cli("convert", "earthcare", c.toString(), o.toString(), "-o", out.resolve("c.zarr").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("STAC catalogue updated: " + out.resolve("catalog.json")), r.out());
        Path itemC = out.resolve("earthcare-msi-l2a/c/c.json");
        assertTrue(Files.isRegularFile(itemC));
        assertEquals(List.of(), validate(MAPPER.readTree(itemC.toFile())));
        // a second store beside it, without the hook; then 'stac' catalogues both
        r = cli("convert", "earthcare", c.toString(), "-o", out.resolve("sub/d.zarr").toString(), "-q", "--no-stac");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(out.resolve("sub/catalog.json")));
        assertFalse(Files.exists(out.resolve("earthcare-msi-l2a/d")));
        r = cli("stac", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 collection, 2 items") && r.out().contains("earthcare-msi-l2a (2 items)"), r.out());
        JsonNode itemD = MAPPER.readTree(out.resolve("earthcare-msi-l2a/d/d.json").toFile());
        assertEquals("../../sub/d.zarr", itemD.get("assets").get("data").get("href").asText());
        // the store goes: its item goes with the next rebuild, nothing else
        deleteTree(out.resolve("sub"));
        Files.writeString(out.resolve("earthcare-msi-l2a/notes.txt"), "mine");
        StacCatalog.rebuild(out);
        assertFalse(Files.exists(out.resolve("earthcare-msi-l2a/d")));
        assertTrue(Files.exists(itemC) && Files.exists(out.resolve("earthcare-msi-l2a/notes.txt")));
        assertEquals(List.of("c"), StacCatalog.rebuild(out).collections().get(0).items());
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> w = Files.walk(p)) {
            for (Path q : (Iterable<Path>) w.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(q);
        }
    }

    @Test
    void noStoreIsAClearError() throws Exception {
        Files.createDirectories(dir.resolve("empty/.hidden.zarr"));
        Files.writeString(dir.resolve("empty/notes.json"), "{}");
        FormatException e = assertThrows(FormatException.class, () -> StacCatalog.rebuild(dir.resolve("empty")));
        assertTrue(e.getMessage().contains("no DGGS-Zarr store found"), e.getMessage());
        Run r = cli("stac", dir.resolve("empty").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no DGGS-Zarr store found"), r.err());
        assertFalse(Files.exists(dir.resolve("empty/catalog.json")));
        assertEquals(1, cli("stac", dir.resolve("missing").toString()).code());
        assertEquals(2, cli("stac").code());
    }

    @Test
    void storesInDotFoldersAndInsideStoresAreNotCatalogued() throws Exception {
        Path root = dir.resolve("root");
        Path c = samples().resolve("ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06109C.ZIP");
        assertEquals(0, cli("convert", "earthcare", c.toString(), "-o", root.resolve("a.zarr").toString(), "-q",
                "--no-stac").code());
        assertEquals(0, cli("convert", "earthcare", c.toString(), "-o", root.resolve(".trash/b.zarr").toString(), "-q",
                "--no-stac").code());
        assertEquals(0, cli("convert", "earthcare", c.toString(), "-o", root.resolve("a.zarr/nested.zarr").toString(),
                "-q", "--no-stac").code());
        StacCatalog.Result r = StacCatalog.rebuild(root);
        assertEquals(List.of("a"), r.collections().get(0).items());
    }

    @Test
    void storesWithoutDatasetOrTimeFallBackAsDocumented() throws Exception {
        Path root = dir.resolve("root");
        Path c = samples().resolve("ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06109C.ZIP");
        Path store = root.resolve("bare.zarr");
        assertEquals(0, cli("convert", "earthcare", c.toString(), "-o", store.toString(), "-q", "--no-stac").code());
        ObjectNode meta = (ObjectNode) MAPPER.readTree(store.resolve("zarr.json").toFile());
        ObjectNode attrs = (ObjectNode) meta.get("attributes");
        attrs.remove(List.of("time_coverage_start", "time_coverage_end", "platform", "instrument", "title"));
        ((ObjectNode) attrs.get("healpix_zarr")).remove("dataset");
        String created = attrs.get("date_created").asText();
        MAPPER.writeValue(store.resolve("zarr.json").toFile(), meta);
        StacCatalog.Result r = StacCatalog.rebuild(root);
        assertEquals("dggs-zarr", r.collections().get(0).id());
        JsonNode item = MAPPER.readTree(root.resolve("dggs-zarr/bare/bare.json").toFile());
        assertEquals(List.of(), validate(item));
        assertEquals(java.time.Instant.parse(created).toString(), item.get("properties").get("datetime").asText());
        assertEquals("date_created", item.get("properties").get("healpix_zarr:datetime_source").asText());
        assertFalse(item.get("properties").has("start_datetime"));
        assertEquals(List.of(), validate(MAPPER.readTree(root.resolve("dggs-zarr/collection.json").toFile())));
        assertEquals(List.of(), validate(MAPPER.readTree(root.resolve("catalog.json").toFile())));
    }

    @Test
    void unionOfBoxesTakesTheShortestArc() {
        assertArrayEquals(new double[] {-180, -90, 180, 90}, Geometry.union(List.of()));
        assertArrayEquals(new double[] {10, -5, 40, 5},
                Geometry.union(List.of(new double[] {10, 0, 20, 5}, new double[] {30, -5, 40, 1})));
        // across the antimeridian: 170..175 and -175..-170 -> 170..-170, not -175..175
        assertArrayEquals(new double[] {170, 0, -170, 1},
                Geometry.union(List.of(new double[] {170, 0, 175, 1}, new double[] {-175, 0, -170, 1})));
        // a crossing box plus one east of it
        assertArrayEquals(new double[] {170, 0, -150, 1},
                Geometry.union(List.of(new double[] {170, 0, -170, 1}, new double[] {-160, 0, -150, 1})));
        // boxes all round the world
        assertArrayEquals(new double[] {-180, 0, 180, 1}, Geometry.union(List.of(new double[] {-180, 0, 0, 1},
                new double[] {0, 0, 180, 1})));
        assertArrayEquals(new double[] {10, 0, 5, 1}, Geometry.union(List.of(new double[] {10, 0, 5, 1})));
        Map<String, Object> g = Geometry.of(new double[] {170, -10, -170, 10});
        assertEquals("MultiPolygon", g.get("type"));
        assertNull(Geometry.of(null));
        Set<String> keys = Geometry.of(new double[] {0, 0, 1, 1}).keySet();
        assertEquals(Set.of("type", "coordinates"), keys);
    }
}
