package org.healpixzarr.stac;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.dggs.DggsStore;

/**
 * A self-contained STAC 1.0.0 catalogue of the DGGS-Zarr stores under a folder.
 *
 * <p>Layout, for a folder {@code ROOT}:
 * <pre>
 * ROOT/catalog.json                          Catalog, one child link per collection
 * ROOT/&lt;dataset&gt;/collection.json            Collection (id = the stores' healpix_zarr.dataset)
 * ROOT/&lt;dataset&gt;/&lt;item&gt;/&lt;item&gt;.json         Item, one per store (id = store folder name without .zarr)
 * </pre>
 * All links and asset hrefs are relative (no {@code self} links: a self-contained catalogue can be moved or
 * published as a whole). Output is deterministic: rebuilding an unchanged folder gives byte-identical files,
 * and a file whose content did not change is not rewritten. Each file is written atomically (temporary sibling,
 * then rename). Files of a previous catalogue that the new one no longer links (stores removed) are deleted;
 * nothing else is.
 *
 * <p>Not thread-safe: one rebuild of a folder at a time.
 */
public final class StacCatalog {
    /** STAC version written. */
    public static final String STAC_VERSION = "1.0.0";
    /** Media type of a Zarr v3 store asset (STAC Zarr best practices). */
    public static final String ZARR_MEDIA_TYPE = "application/vnd.zarr; version=3";
    /** Collection id of stores that record no dataset. */
    public static final String DEFAULT_DATASET = "dggs-zarr";
    /** Catalog id. */
    public static final String CATALOG_ID = "healpix-zarr";
    /**
     * Licence of the collections: the data keep the licence of their source products (e.g. ESA's EarthCARE
     * terms), which has no SPDX identifier; STAC 1.0.0 says {@code proprietary} for that.
     */
    public static final String LICENSE = "proprietary";

    private static final String JSON = "application/json";
    private static final String GEOJSON = "application/geo+json";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        pp.indentArraysWith(new DefaultIndenter("  ", "\n"));
        WRITER = MAPPER.writer(pp);
    }

    /** One collection written: its id, its file and its items' ids (sorted). */
    public record CollectionSummary(String id, Path file, List<String> items) {
    }

    /** What a rebuild wrote: the catalog file, the collections (sorted by id), stores skipped with the reason. */
    public record Result(Path catalog, List<CollectionSummary> collections, Map<Path, String> skipped) {
        /** Number of items over all collections. */
        public int itemCount() {
            return collections.stream().mapToInt(c -> c.items().size()).sum();
        }
    }

    private StacCatalog() {
    }

    /** Same as {@link #rebuild}: the catalogue is small and rebuilt as a whole. */
    public static Result update(Path root) throws IOException, DataException {
        return rebuild(root);
    }

    /**
     * Scans {@code root} for DGGS-Zarr stores and writes the catalogue beside them.
     *
     * @throws FormatException if {@code root} holds no DGGS-Zarr store (nothing is written then)
     * @throws InconsistentDataException if two stores of one dataset have the same item id
     */
    public static Result rebuild(Path root) throws IOException, DataException {
        if (!Files.isDirectory(root)) {
            throw new FormatException(DataException.describe(root.toString(), "no such folder", "a folder holding .zarr stores",
                    Files.exists(root) ? "a file" : "nothing", null));
        }
        root = root.toAbsolutePath().normalize();
        Map<Path, String> skipped = new TreeMap<>();
        List<Path> found = findStores(root, skipped);
        // dataset -> item id -> item
        Map<String, Map<String, Item>> datasets = new TreeMap<>();
        for (Path p : found) {
            Item item;
            try (DggsStore s = DggsStore.open(p)) {
                item = Item.of(s, p);
            } catch (DataException e) {
                skipped.put(p, e.getMessage());
                continue;
            }
            Map<String, Item> items = datasets.computeIfAbsent(item.dataset, k -> new TreeMap<>());
            Item other = items.putIfAbsent(item.id, item);
            if (other != null) {
                throw new InconsistentDataException(DataException.describe(p.toString(),
                        "two stores of dataset '" + item.dataset + "' have the same item id '" + item.id + "'",
                        "one store per name", other.store + " and " + p,
                        "rename one of them (the item id is the folder name without .zarr)"));
            }
        }
        if (datasets.isEmpty()) {
            throw new FormatException(DataException.describe(root.toString(), "no DGGS-Zarr store found",
                    "folders with a zarr.json holding 'dggs' and 'healpix_zarr' attributes",
                    skipped.isEmpty() ? "none" : skipped.size() + " unreadable: " + skipped,
                    "convert observations first, e.g. 'healpix-zarr convert earthcare ... -o " + root + "'"));
        }
        Path catalog = root.resolve("catalog.json");
        List<Path> previous = previouslyLinked(catalog);
        Set<Path> written = new TreeSet<>();
        List<CollectionSummary> summaries = new ArrayList<>();
        List<Map<String, Object>> childLinks = new ArrayList<>();
        for (Map.Entry<String, Map<String, Item>> d : datasets.entrySet()) {
            String dataset = d.getKey();
            Path dir = root.resolve(dataset);
            List<Map<String, Object>> itemLinks = new ArrayList<>();
            for (Item item : d.getValue().values()) {
                Path file = dir.resolve(item.id).resolve(item.id + ".json");
                write(file, item.json(root, file));
                written.add(file);
                itemLinks.add(link("item", "./" + item.id + "/" + item.id + ".json", GEOJSON, item.title));
            }
            Path file = dir.resolve("collection.json");
            write(file, collection(dataset, d.getValue().values(), itemLinks));
            written.add(file);
            summaries.add(new CollectionSummary(dataset, file, List.copyOf(d.getValue().keySet())));
            childLinks.add(link("child", "./" + dataset + "/collection.json", JSON, dataset));
        }
        removeStale(root, previous, written);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Catalog");
        c.put("stac_version", STAC_VERSION);
        c.put("stac_extensions", List.of());
        c.put("id", CATALOG_ID);
        c.put("title", "DGGS-Zarr stores");
        c.put("description", "HEALPix DGGS-Zarr stores written by healpix-zarr, one collection per dataset.");
        List<Map<String, Object>> links = new ArrayList<>();
        links.add(link("root", "./catalog.json", JSON, null));
        links.addAll(childLinks);
        c.put("links", links);
        write(catalog, c);
        return new Result(catalog, List.copyOf(summaries), Collections.unmodifiableMap(skipped));
    }

    /**
     * How deep below the root stores are looked for: a store may sit at most this many folders below it minus one
     * (e.g. ROOT/tessera-2024/partition.zarr). Bounds the scan when the root is a large folder such as a home.
     */
    static final int MAX_SCAN_DEPTH = 4;

    /** Store folders under {@code root}: a zarr.json with 'dggs' and 'healpix_zarr'; never descends into stores. */
    private static List<Path> findStores(Path root, Map<Path, String> skipped) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_SCAN_DEPTH,
                new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) return FileVisitResult.SKIP_SUBTREE;
                Path meta = dir.resolve("zarr.json");
                if (!Files.isRegularFile(meta)) return FileVisitResult.CONTINUE;
                try {
                    Object attributes = MAPPER.readValue(meta.toFile(), Map.class).get("attributes");
                    if (attributes instanceof Map<?, ?> a && a.containsKey("dggs") && a.containsKey("healpix_zarr")) {
                        out.add(dir);
                    }
                } catch (IOException e) {
                    skipped.put(dir, "unreadable zarr.json: " + e.getMessage());
                }
                return FileVisitResult.SKIP_SUBTREE; // a Zarr hierarchy, DGGS or not: its children are its own
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                skipped.put(file, "unreadable: " + exc.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(out);
        return out;
    }

    private static Map<String, Object> collection(String dataset, java.util.Collection<Item> items,
            List<Map<String, Object>> itemLinks) {
        List<double[]> boxes = new ArrayList<>();
        Instant start = null, end = null;
        TreeSet<String> titles = new TreeSet<>();
        TreeSet<String> platforms = new TreeSet<>();
        TreeSet<String> instruments = new TreeSet<>();
        TreeSet<Integer> levels = new TreeSet<>();
        for (Item i : items) {
            if (i.bbox != null) boxes.add(i.bbox);
            if (start == null || i.start.isBefore(start)) start = i.start;
            if (end == null || i.end.isAfter(end)) end = i.end;
            if (i.title != null) titles.add(i.title);
            if (i.platform != null) platforms.add(i.platform);
            instruments.addAll(i.instruments);
            levels.add(i.depth);
        }
        double[] u = Geometry.union(boxes);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Collection");
        c.put("stac_version", STAC_VERSION);
        c.put("stac_extensions", List.of());
        c.put("id", dataset);
        c.put("title", dataset);
        StringBuilder desc = new StringBuilder("DGGS-Zarr stores (HEALPix nested cells) of dataset '" + dataset + "', "
                + items.size() + (items.size() == 1 ? " store" : " stores"));
        if (!titles.isEmpty()) {
            List<String> t = new ArrayList<>(titles);
            desc.append(": ").append(String.join("; ", t.subList(0, Math.min(10, t.size()))));
            if (t.size() > 10) desc.append("; and ").append(t.size() - 10).append(" more");
        }
        c.put("description", desc.append('.').toString());
        c.put("license", LICENSE);
        Map<String, Object> extent = new LinkedHashMap<>();
        extent.put("spatial", Map.of("bbox", List.of(Geometry.list(u))));
        extent.put("temporal", Map.of("interval", List.of(List.of(start.toString(), end.toString()))));
        c.put("extent", extent);
        Map<String, Object> summaries = new LinkedHashMap<>();
        if (!platforms.isEmpty()) summaries.put("platform", List.copyOf(platforms));
        if (!instruments.isEmpty()) summaries.put("instruments", List.copyOf(instruments));
        summaries.put("dggs:refinement_level", List.copyOf(levels));
        c.put("summaries", summaries);
        List<Map<String, Object>> links = new ArrayList<>();
        links.add(link("root", "../catalog.json", JSON, null));
        links.add(link("parent", "../catalog.json", JSON, null));
        links.addAll(itemLinks);
        c.put("links", links);
        return c;
    }

    static Map<String, Object> link(String rel, String href, String type, String title) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("rel", rel);
        l.put("href", href);
        l.put("type", type);
        if (title != null) l.put("title", title);
        return l;
    }

    /** The JSON text written for a value: pretty, two-space indent, LF line ends, final newline. */
    static byte[] bytes(Object json) throws IOException {
        return (WRITER.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Writes atomically (temporary sibling, then rename); leaves an identical file untouched. */
    private static void write(Path file, Object json) throws IOException {
        byte[] b = bytes(json);
        if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), b)) return;
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + String.format("%016x", RANDOM.nextLong()));
        try {
            Files.write(tmp, b);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The collection and item files the catalogue at {@code catalog} links (none if absent or unreadable). */
    private static List<Path> previouslyLinked(Path catalog) {
        List<Path> old = new ArrayList<>();
        try {
            for (Path coll : linked(catalog, "child")) {
                old.add(coll);
                old.addAll(linked(coll, "item"));
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // not a catalogue we can read: leave everything as it is
        }
        return old;
    }

    /**
     * Deletes the files of the previous catalogue ({@code old}) that the new one did not write, and their
     * folders once empty. Only .json files inside {@code root} are considered.
     */
    private static void removeStale(Path root, List<Path> old, Set<Path> written) throws IOException {
        for (Path p : old) {
            if (!p.startsWith(root) || written.contains(p) || !p.getFileName().toString().endsWith(".json")) continue;
            Files.deleteIfExists(p);
            for (Path d = p.getParent(); d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
                try (var s = Files.list(d)) {
                    if (s.findAny().isPresent()) break;
                }
                Files.delete(d);
            }
        }
    }

    private static List<Path> linked(Path file, String rel) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) return out;
        Object links = MAPPER.readValue(file.toFile(), Map.class).get("links");
        if (!(links instanceof List<?> l)) return out;
        for (Object o : l) {
            if (o instanceof Map<?, ?> m && rel.equals(m.get("rel")) && m.get("href") instanceof String h
                    && !h.contains(":")) {
                out.add(file.getParent().resolve(h).normalize());
            }
        }
        return out;
    }

    /** What the catalogue says about one store. */
    private static final class Item {
        final Path store;
        final String id;
        final String dataset;
        final String title;
        final double[] bbox;
        final Instant start;
        final Instant end;
        final String timeSource;
        final String platform;
        final List<String> instruments;
        final int depth;
        final String ellipsoidName;
        final Map<String, Object> properties = new LinkedHashMap<>();

        private Item(DggsStore s, Path store) throws DataException {
            this.store = store;
            String name = store.getFileName().toString();
            this.id = name.toLowerCase(Locale.ROOT).endsWith(".zarr") ? name.substring(0, name.length() - 5) : name;
            Map<String, Object> a = s.attributes();
            Map<String, Object> f = s.facts();
            Object ds = f.get("dataset");
            this.dataset = ds instanceof String d && !d.isBlank() ? d : DEFAULT_DATASET;
            this.title = a.get("title") instanceof String t ? t : null;
            this.bbox = s.bbox();
            this.depth = s.depth();
            this.ellipsoidName = s.ellipsoid() == org.healpixzarr.healpix.Ellipsoid.WGS84 ? "WGS84" : "sphere";
            Instant t0 = instant(a.get("time_coverage_start"), store, "time_coverage_start");
            Instant t1 = instant(a.get("time_coverage_end"), store, "time_coverage_end");
            if (t0 == null && t1 == null) {
                t0 = instant(f.get("time_coverage_start"), store, "healpix_zarr.time_coverage_start");
                t1 = instant(f.get("time_coverage_end"), store, "healpix_zarr.time_coverage_end");
            }
            String src = "time_coverage";
            if (t0 == null && t1 == null) {
                // no observation time: the store's creation time, flagged so that nobody mistakes it for one
                t0 = instant(a.get("date_created"), store, "date_created");
                t1 = t0;
                src = "date_created";
            }
            if (t0 == null) t0 = t1;
            if (t1 == null) t1 = t0;
            if (t0 == null) {
                throw new FormatException(DataException.describe(store + "/zarr.json", "no time to catalogue the store by",
                        "time_coverage_start/_end or date_created", "none", "convert the store again"));
            }
            if (t1.isBefore(t0)) {
                throw new InconsistentDataException(DataException.describe(store + "/zarr.json",
                        "time coverage ends before it starts", "time_coverage_end >= time_coverage_start",
                        t0 + " .. " + t1, null));
            }
            this.start = t0;
            this.end = t1;
            this.timeSource = src;
            this.platform = a.get("platform") instanceof String p ? p.toLowerCase(Locale.ROOT) : null;
            List<String> ins = new ArrayList<>();
            if (a.get("instrument") instanceof String i) {
                for (String x : i.split(",")) if (!x.isBlank()) ins.add(x.trim().toLowerCase(Locale.ROOT));
            }
            this.instruments = List.copyOf(new TreeSet<>(ins));
        }

        static Item of(DggsStore s, Path store) throws DataException {
            return new Item(s, store).withFacts(s);
        }

        private static Instant instant(Object v, Path store, String key) throws FormatException {
            if (!(v instanceof String t) || t.isBlank()) return null;
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(t).toInstant();
                } catch (DateTimeParseException e2) {
                    throw new FormatException(DataException.describe(store + "/zarr.json", "unreadable time in '" + key + "'",
                            "an RFC 3339 date-time such as 2025-06-25T13:58:45Z", t, null));
                }
            }
        }

        Map<String, Object> json(Path root, Path file) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "Feature");
            m.put("stac_version", STAC_VERSION);
            m.put("stac_extensions", List.of());
            m.put("id", id);
            m.put("geometry", Geometry.of(bbox));
            if (bbox != null) m.put("bbox", Geometry.list(bbox));
            Map<String, Object> p = new LinkedHashMap<>();
            if (title != null) p.put("title", title);
            if (start.equals(end)) {
                p.put("datetime", start.toString());
            } else {
                p.put("datetime", null);
                p.put("start_datetime", start.toString());
                p.put("end_datetime", end.toString());
            }
            if (platform != null) p.put("platform", platform);
            if (!instruments.isEmpty()) p.put("instruments", instruments);
            p.put("dggs:name", "healpix");
            p.put("dggs:indexing_scheme", "nested");
            p.put("dggs:refinement_level", depth);
            p.put("dggs:ellipsoid", ellipsoidName);
            if (!"time_coverage".equals(timeSource)) p.put("healpix_zarr:datetime_source", timeSource);
            p.putAll(properties);
            m.put("properties", p);
            List<Map<String, Object>> links = new ArrayList<>();
            links.add(link("root", "../../catalog.json", JSON, null));
            links.add(link("parent", "../collection.json", JSON, null));
            links.add(link("collection", "../collection.json", JSON, null));
            m.put("links", links);
            Map<String, Object> asset = new LinkedHashMap<>();
            asset.put("href", relative(file.getParent(), store));
            asset.put("type", ZARR_MEDIA_TYPE);
            asset.put("title", title == null ? id + " (DGGS-Zarr store)" : title + " (DGGS-Zarr store)");
            asset.put("roles", List.of("data"));
            m.put("assets", Map.of("data", asset));
            m.put("collection", dataset);
            return m;
        }

        /** Adds the scalar facts; separate from the constructor to keep it readable. */
        Item withFacts(DggsStore s) {
            for (Map.Entry<String, Object> e : new TreeMap<>(s.facts()).entrySet()) {
                Object v = e.getValue();
                if (e.getKey().equals("dataset")) continue;
                if (v instanceof Number || v instanceof String || v instanceof Boolean) {
                    properties.put("healpix_zarr:" + e.getKey(), v);
                }
            }
            return this;
        }
    }

    /** Relative href from folder {@code from} to {@code to}, with '/' separators. */
    static String relative(Path from, Path to) {
        String r = from.relativize(to).toString().replace(java.io.File.separatorChar, '/');
        return r.isEmpty() ? "." : r;
    }
}
