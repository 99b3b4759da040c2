package org.healpixzarr.server.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a coverage store path stands for: one DGGS-Zarr store (a folder with a {@code zarr.json}), a folder of
 * stores (found up to {@link #MAX_SCAN_DEPTH} levels down, never inside a Zarr hierarchy, symbolic links not
 * followed), or a STAC catalogue/collection JSON file whose items carry Zarr assets. Every member is confined by
 * the {@link PathGuard}.
 */
final class StoreSource {
    /** How deep a folder is scanned for stores (ROOT/dataset/partition.zarr is depth 2). */
    static final int MAX_SCAN_DEPTH = 4;
    /** Most STAC documents followed from one catalogue (bounds the walk). */
    static final int MAX_STAC_DOCUMENTS = 100_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ZARR_MEDIA_TYPE = "application/vnd.zarr";

    /** Kind of a coverage store. */
    enum Kind {
        /** One store. */
        STORE,
        /** A folder of stores served as one mosaic. */
        FOLDER,
        /** A STAC catalogue or collection whose items' Zarr assets are served as one mosaic. */
        STAC
    }

    record Members(Kind kind, List<Path> stores) {}

    private StoreSource() {}

    /** The member stores of the canonical path {@code p} (sorted for folders, in catalogue order for STAC). */
    static Members members(Path p, PathGuard guard) throws CatalogException {
        if (Files.isDirectory(p) && Files.isRegularFile(p.resolve("zarr.json"))) return new Members(Kind.STORE, List.of(p));
        if (Files.isDirectory(p)) return new Members(Kind.FOLDER, scan(p, guard));
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")) return new Members(Kind.STAC, stac(p, guard));
        throw CatalogException.bad("'" + p + "' is neither a DGGS-Zarr store (a folder with zarr.json), a folder of stores, "
                + "nor a STAC catalog/collection JSON file");
    }

    private static List<Path> scan(Path root, PathGuard guard) throws CatalogException {
        List<Path> out = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_SCAN_DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) return FileVisitResult.SKIP_SUBTREE;
                    if (!Files.isRegularFile(dir.resolve("zarr.json"))) return FileVisitResult.CONTINUE;
                    if (isDggs(dir)) out.add(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw CatalogException.bad("cannot scan '" + root + "': " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw CatalogException.bad("no DGGS-Zarr store found in folder '" + root + "' (looked " + MAX_SCAN_DEPTH
                    + " levels down for folders with a zarr.json holding 'dggs' attributes)");
        }
        List<Path> checked = new ArrayList<>();
        for (Path s : new TreeSet<>(out)) checked.add(guard.check(s, s.toString()));
        return checked;
    }

    private static boolean isDggs(Path dir) {
        try {
            JsonNode a = MAPPER.readTree(dir.resolve("zarr.json").toFile()).path("attributes");
            return a.has("dggs");
        } catch (IOException e) {
            return false;
        }
    }

    /** Zarr assets of the items reachable from a STAC catalog, collection or item file (child and item links). */
    private static List<Path> stac(Path start, PathGuard guard) throws CatalogException {
        List<Path> out = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            Path f = todo.poll();
            if (!seen.add(f)) continue;
            if (seen.size() > MAX_STAC_DOCUMENTS) throw CatalogException.bad("STAC catalogue '" + start + "' links more than "
                    + MAX_STAC_DOCUMENTS + " documents");
            JsonNode doc;
            try {
                doc = MAPPER.readTree(f.toFile());
            } catch (IOException e) {
                throw CatalogException.bad("unreadable STAC document '" + f + "': " + e.getMessage());
            }
            String type = doc.path("type").asText("");
            if (!List.of("Catalog", "Collection", "Feature").contains(type)) {
                throw CatalogException.bad("'" + f + "' is not a STAC document: expected \"type\" Catalog, Collection or Feature, found '"
                        + type + "'");
            }
            for (JsonNode asset : doc.path("assets")) {
                if (!asset.path("type").asText("").startsWith(ZARR_MEDIA_TYPE)) continue;
                Path p = local(f, asset.path("href").asText(""));
                if (p != null) out.add(guard.check(p, asset.path("href").asText()));
            }
            for (JsonNode link : doc.path("links")) {
                String rel = link.path("rel").asText("");
                if (!rel.equals("child") && !rel.equals("item")) continue;
                Path p = local(f, link.path("href").asText(""));
                if (p != null) todo.add(guard.check(p, link.path("href").asText()));
            }
        }
        if (out.isEmpty()) {
            throw CatalogException.bad("STAC document '" + start + "' links no item with a Zarr asset (media type "
                    + ZARR_MEDIA_TYPE + ")");
        }
        return List.copyOf(new java.util.LinkedHashSet<>(out));
    }

    /** A relative or file: href resolved against the document; null for remote hrefs (not served). */
    private static Path local(Path doc, String href) throws CatalogException {
        if (href.isEmpty()) return null;
        if (href.matches("(?i)^[a-z][a-z0-9+.-]+:.*")) {
            if (!href.regionMatches(true, 0, "file:", 0, 5)) {
                throw CatalogException.bad("STAC document '" + doc + "' links a remote resource '" + href
                        + "': only local stores can be served");
            }
            try {
                return Path.of(new java.net.URI(href));
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                throw CatalogException.bad("malformed href '" + href + "' in '" + doc + "'");
            }
        }
        return doc.getParent().resolve(href).normalize();
    }
}
