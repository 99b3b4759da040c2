package org.healpixzarr.server.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.render.Style;

/**
 * The server's catalogue: workspaces hold coverage stores (one DGGS-Zarr store, or a folder / STAC catalogue of
 * stores served as one mosaic), a coverage store publishes some of its variables as layers. Persisted as
 * {@code catalog.json} in the data folder (rewritten atomically after every change), so it survives a restart;
 * store paths are confined to the roots of a {@link PathGuard}; a store is added only if every member passes
 * {@link org.healpixzarr.dggs.DggsValidator}.
 *
 * <p>Thread-safe: changes are serialised; readers ({@link #layers()}, {@link #find}) see an immutable snapshot
 * and never block.
 */
public final class Catalog implements LayerResolver {
    /** File name of the persisted catalogue inside the data folder. */
    public static final String FILE = "catalog.json";
    /** Names of workspaces, stores and layers: a letter, digit or underscore, then also '.' and '-', at most 64. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final System.Logger LOG = System.getLogger(Catalog.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int VERSION = 1;

    private final Path file;
    private final PathGuard guard;
    /** Guarded by this. */
    private final Map<String, Ws> workspaces = new LinkedHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Map.of(), Map.of());

    /** A workspace as listed: its name and its stores' names in order. */
    public record WorkspaceInfo(String name, List<String> stores) {}

    /**
     * A coverage store as listed.
     *
     * @param kind       {@code store}, {@code folder} (mosaic of a folder's stores) or {@code stac} (mosaic of a STAC
     *                   catalogue's items)
     * @param path       canonical path given at creation
     * @param members    canonical paths of the member stores
     * @param variables  variables common to every member, store order; empty if unavailable
     * @param bbox       {west, south, east, north} degrees, or null if unavailable
     * @param available  false when the store could not be opened at start (then {@code error} says why)
     * @param layers     names of the layers published from it
     */
    public record StoreInfo(String workspace, String name, String kind, String path, String description, List<String> members,
                            List<VariableInfo> variables, double[] bbox, List<String> times, boolean available, String error,
                            List<String> layers) {}

    /** A published layer as listed (available or not). */
    public record LayerInfo(String workspace, String name, String store, String variable, String title, String defaultStyle,
                            List<String> styles, double[] bbox, List<String> times, boolean available) {
        /** {@code workspace:name}. */
        public String qualifiedName() { return workspace + ":" + name; }
    }

    private static final class Ws {
        final String name;
        final Map<String, Cs> stores = new LinkedHashMap<>();

        Ws(String name) { this.name = name; }
    }

    private static final class Cs {
        final String name;
        final String path;
        final String description;
        final StoreSource.Kind kind;
        final List<String> members;
        final OpenStore open;   // null if unavailable
        final String error;     // why unavailable
        final Map<String, Lyr> layers = new LinkedHashMap<>();

        Cs(String name, String path, String description, StoreSource.Kind kind, List<String> members, OpenStore open, String error) {
            this.name = name;
            this.path = path;
            this.description = description;
            this.kind = kind;
            this.members = List.copyOf(members);
            this.open = open;
            this.error = error;
        }
    }

    private static final class Lyr {
        final String name;
        final String variable;
        final String title;
        String defaultStyle; // null: the first of Styles.of

        Lyr(String name, String variable, String title, String defaultStyle) {
            this.name = name;
            this.variable = variable;
            this.title = title;
            this.defaultStyle = defaultStyle;
        }
    }

    private record Snapshot(List<Layer> layers, Map<String, Layer> byQualified, Map<String, List<Layer>> byPlain,
                            Map<String, WorkspaceLayers> byWorkspace) {}

    /**
     * The layers of one workspace as its virtual OGC endpoint ({@code /{workspace}/ows}) serves them: named without
     * the workspace prefix, found by that name or by the qualified one; layers of other workspaces are unknown.
     */
    private record WorkspaceLayers(String workspace, List<Layer> layers, Map<String, Layer> byName) implements LayerResolver {
        @Override
        public Layer find(String name) {
            if (name == null) return null;
            int colon = name.indexOf(':');
            if (colon >= 0) {
                if (!name.substring(0, colon).equals(workspace)) return null;
                name = name.substring(colon + 1);
            }
            return byName.get(name);
        }

        @Override
        public String workspace() {
            return workspace;
        }
    }

    private Catalog(Path file, PathGuard guard) {
        this.file = file;
        this.guard = guard;
    }

    /**
     * Opens the catalogue of {@code dataDir} (empty if it has no {@value #FILE} yet), reopening every store. A store
     * that cannot be opened any more (moved, now outside the roots, damaged) stays listed as unavailable, with the
     * reason, and its layers are not served.
     *
     * @param dataDir existing data folder
     * @param guard   the allowed roots
     * @throws IOException if the catalogue file exists but cannot be read or parsed
     */
    public static Catalog open(Path dataDir, PathGuard guard) throws IOException {
        Catalog c = new Catalog(dataDir.resolve(FILE), guard);
        if (Files.exists(c.file)) c.load();
        c.publishSnapshot();
        return c;
    }

    /** The allowed roots. */
    public PathGuard guard() { return guard; }

    // ---------------------------------------------------------------- reading (OGC side)

    @Override
    public List<Layer> layers() { return snapshot.layers; }

    @Override
    public Layer find(String name) {
        if (name == null) return null;
        Snapshot s = snapshot;
        Layer l = s.byQualified.get(name);
        if (l != null || name.indexOf(':') >= 0) return l;
        List<Layer> plain = s.byPlain.get(name);
        return plain != null && plain.size() == 1 ? plain.get(0) : null;
    }

    /**
     * The published layers of one workspace, for its virtual OGC endpoint: {@link LayerResolver#layers()} lists
     * them named without the {@code workspace:} prefix, {@link LayerResolver#find} takes the plain or the qualified
     * name and knows no layer of another workspace. Never blocks.
     *
     * @return {@code null} if there is no such workspace (names are case-sensitive)
     */
    public LayerResolver workspaceLayers(String workspace) {
        return workspace == null ? null : snapshot.byWorkspace.get(workspace);
    }

    // ---------------------------------------------------------------- reading (admin side)

    /** All workspaces in creation order. */
    public synchronized List<WorkspaceInfo> workspaces() {
        List<WorkspaceInfo> out = new ArrayList<>();
        for (Ws w : workspaces.values()) out.add(new WorkspaceInfo(w.name, List.copyOf(w.stores.keySet())));
        return out;
    }

    /** One workspace; 404 if unknown. */
    public synchronized WorkspaceInfo workspace(String ws) throws CatalogException {
        Ws w = ws(ws);
        return new WorkspaceInfo(w.name, List.copyOf(w.stores.keySet()));
    }

    /** The stores of a workspace; 404 if unknown. */
    public synchronized List<StoreInfo> stores(String ws) throws CatalogException {
        List<StoreInfo> out = new ArrayList<>();
        for (Cs c : ws(ws).stores.values()) out.add(info(ws, c));
        return out;
    }

    /** One store; 404 if the workspace or the store is unknown. */
    public synchronized StoreInfo store(String ws, String cs) throws CatalogException {
        return info(ws, cs(ws, cs));
    }

    /** Every layer in order (workspaces, stores, publication order), available or not. */
    public synchronized List<LayerInfo> allLayers() {
        List<LayerInfo> out = new ArrayList<>();
        for (Ws w : workspaces.values()) {
            for (Cs c : w.stores.values()) for (Lyr l : c.layers.values()) out.add(info(w.name, c, l));
        }
        return out;
    }

    /** The layers of one store; 404 if unknown. */
    public synchronized List<LayerInfo> layers(String ws, String cs) throws CatalogException {
        Cs c = cs(ws, cs);
        List<LayerInfo> out = new ArrayList<>();
        for (Lyr l : c.layers.values()) out.add(info(ws, c, l));
        return out;
    }

    /** One layer by workspace and name; 404 if unknown. */
    public synchronized LayerInfo layer(String ws, String name) throws CatalogException {
        Ws w = ws(ws);
        for (Cs c : w.stores.values()) {
            Lyr l = c.layers.get(name);
            if (l != null) return info(ws, c, l);
        }
        throw CatalogException.notFound("layer", ws + ":" + name);
    }

    // ---------------------------------------------------------------- changes

    /** Creates an empty workspace; 400 if the name is malformed, 409 if it exists. */
    public synchronized WorkspaceInfo createWorkspace(String name) throws CatalogException, IOException {
        checkName("workspace", name);
        if (workspaces.containsKey(name)) throw CatalogException.conflict("workspace '" + name + "' already exists");
        workspaces.put(name, new Ws(name));
        commit();
        return new WorkspaceInfo(name, List.of());
    }

    /** Deletes a workspace; with {@code recurse} its stores and layers too, else 409 if it holds any store. */
    public synchronized void deleteWorkspace(String name, boolean recurse) throws CatalogException, IOException {
        Ws w = ws(name);
        if (!w.stores.isEmpty() && !recurse) {
            throw CatalogException.conflict("workspace '" + name + "' is not empty (stores " + w.stores.keySet()
                    + "); delete them first or add ?recurse=true");
        }
        workspaces.remove(name);
        commit();
        for (Cs c : w.stores.values()) if (c.open != null) c.open.close();
    }

    /**
     * Adds a coverage store: resolves and confines {@code pathOrUrl} (403 outside the roots), finds its member
     * stores, validates each in full (400 with the validator's message if one fails) and opens them.
     *
     * @param pathOrUrl   a store folder, a folder of stores, or a STAC catalog/collection JSON file; a path
     *                    (relative to the data folder) or a {@code file:} URL
     * @param description free text, may be null
     */
    public StoreInfo addStore(String ws, String name, String pathOrUrl, String description) throws CatalogException, IOException {
        synchronized (this) {
            ws(ws);
            checkName("coverage store", name);
            if (workspaces.get(ws).stores.containsKey(name)) {
                throw CatalogException.conflict("coverage store '" + name + "' already exists in workspace '" + ws + "'");
            }
        }
        // validation reads every chunk: done outside the lock so that the catalogue stays responsive
        Path p = guard.resolve(pathOrUrl);
        StoreSource.Members m = StoreSource.members(p, guard);
        OpenStore open = OpenStore.validateAndOpen(m);
        synchronized (this) {
            Ws w = ws(ws);
            if (w.stores.containsKey(name)) {
                open.close();
                throw CatalogException.conflict("coverage store '" + name + "' already exists in workspace '" + ws + "'");
            }
            Cs c = new Cs(name, p.toString(), description, m.kind(), m.stores().stream().map(Path::toString).toList(), open, null);
            w.stores.put(name, c);
            commit();
            return info(ws, c);
        }
    }

    /** Deletes a store; with {@code recurse} its layers too, else 409 if it publishes any. */
    public synchronized void deleteStore(String ws, String cs, boolean recurse) throws CatalogException, IOException {
        Cs c = cs(ws, cs);
        if (!c.layers.isEmpty() && !recurse) {
            throw CatalogException.conflict("coverage store '" + cs + "' publishes layers " + c.layers.keySet()
                    + "; delete them first or add ?recurse=true");
        }
        workspaces.get(ws).stores.remove(cs);
        commit();
        if (c.open != null) c.open.close();
    }

    /**
     * Publishes a variable of a store as layer {@code ws:name}.
     *
     * @param name     layer name, unique in the workspace (null: the variable name)
     * @param variable a variable every member of the store has
     * @param title    null: the variable's long_name (or name) and the store's title
     */
    public synchronized LayerInfo publish(String ws, String cs, String name, String variable, String title)
            throws CatalogException, IOException {
        Cs c = cs(ws, cs);
        if (variable == null || variable.isBlank()) variable = name;
        if (variable == null || variable.isBlank()) throw CatalogException.bad("no variable given to publish");
        if (name == null || name.isBlank()) name = variable;
        checkName("layer", name);
        if (c.open == null) throw CatalogException.conflict("coverage store '" + cs + "' is unavailable: " + c.error);
        VariableInfo v = c.open.variables.get(variable);
        if (v == null) {
            throw CatalogException.bad("store '" + cs + "' has no variable '" + variable + "' (common to all its stores); expected one of "
                    + c.open.variables.keySet());
        }
        for (Cs other : workspaces.get(ws).stores.values()) {
            if (other.layers.containsKey(name)) {
                throw CatalogException.conflict("layer '" + ws + ":" + name + "' already exists (from store '" + other.name + "')");
            }
        }
        if (title == null || title.isBlank()) {
            title = (v.longName() != null && !v.longName().isBlank() ? v.longName() : variable) + " — "
                    + (c.description != null && !c.description.isBlank() ? c.description : storeTitle(c));
        }
        Lyr l = new Lyr(name, variable, title, null);
        c.layers.put(name, l);
        commit();
        return info(ws, c, l);
    }

    /** Removes layer {@code ws:name}; 404 if unknown. */
    public synchronized void unpublish(String ws, String name) throws CatalogException, IOException {
        for (Cs c : ws(ws).stores.values()) {
            if (c.layers.remove(name) != null) {
                commit();
                return;
            }
        }
        throw CatalogException.notFound("layer", ws + ":" + name);
    }

    /** Sets the default style of layer {@code ws:name}; 400 naming the choices if the layer has no such style. */
    public synchronized LayerInfo setDefaultStyle(String ws, String name, String style) throws CatalogException, IOException {
        for (Cs c : ws(ws).stores.values()) {
            Lyr l = c.layers.get(name);
            if (l == null) continue;
            if (c.open == null) throw CatalogException.conflict("layer '" + ws + ":" + name + "' is unavailable: " + c.error);
            List<String> names = c.open.styles(l.variable).stream().map(Style::name).toList();
            if (style == null || !names.contains(style)) {
                throw CatalogException.bad("layer '" + ws + ":" + name + "' has no style '" + style + "'; expected one of " + names);
            }
            l.defaultStyle = style;
            commit();
            return info(ws, c, l);
        }
        throw CatalogException.notFound("layer", ws + ":" + name);
    }

    // ---------------------------------------------------------------- internals

    private Ws ws(String name) throws CatalogException {
        Ws w = name == null ? null : workspaces.get(name);
        if (w == null) throw CatalogException.notFound("workspace", name);
        return w;
    }

    private Cs cs(String ws, String cs) throws CatalogException {
        Cs c = ws(ws).stores.get(cs);
        if (c == null) throw CatalogException.notFound("coverage store", ws + ":" + cs);
        return c;
    }

    private static void checkName(String what, String name) throws CatalogException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw CatalogException.bad("bad " + what + " name '" + name + "': expected " + NAME.pattern()
                    + " (letters, digits, '_', '.', '-'; at most 64)");
        }
    }

    /** A store's title; a mosaic's members have titles of their own (a partition's), so a mosaic is named after its folder. */
    private static String storeTitle(Cs c) {
        if (c.kind == StoreSource.Kind.STORE) return c.open.title;
        Path p = Path.of(c.path);
        if (c.kind == StoreSource.Kind.STAC && p.getParent() != null) p = p.getParent();
        return p.getFileName() == null ? c.path : p.getFileName().toString();
    }

    private StoreInfo info(String ws, Cs c) {
        OpenStore o = c.open;
        return new StoreInfo(ws, c.name, c.kind.name().toLowerCase(Locale.ROOT), c.path, c.description, c.members,
                o == null ? List.of() : List.copyOf(o.variables.values()), o == null ? null : o.bbox.clone(),
                o == null ? List.of() : o.times, o != null, c.error, List.copyOf(c.layers.keySet()));
    }

    private static LayerInfo info(String ws, Cs c, Lyr l) {
        List<String> styles = c.open == null ? List.of() : c.open.styles(l.variable).stream().map(Style::name).toList();
        String def = l.defaultStyle != null ? l.defaultStyle : styles.isEmpty() ? null : styles.get(0);
        return new LayerInfo(ws, l.name, c.name, l.variable, l.title, def, styles,
                c.open == null ? null : c.open.bbox.clone(), c.open == null ? List.of() : c.open.times, c.open != null);
    }

    /** Persists, then publishes the new snapshot to readers. */
    private void commit() throws IOException {
        save();
        publishSnapshot();
    }

    private void publishSnapshot() {
        List<Layer> all = new ArrayList<>();
        Map<String, Layer> q = new LinkedHashMap<>();
        Map<String, List<Layer>> plain = new LinkedHashMap<>();
        Map<String, WorkspaceLayers> perWorkspace = new LinkedHashMap<>();
        synchronized (this) {
            for (Ws w : workspaces.values()) {
                List<Layer> scoped = new ArrayList<>();
                Map<String, Layer> scopedByName = new LinkedHashMap<>();
                for (Cs c : w.stores.values()) {
                    if (c.open == null) continue;
                    for (Lyr l : c.layers.values()) {
                        List<Style> styles = new ArrayList<>(c.open.styles(l.variable));
                        if (l.defaultStyle != null) {
                            for (int i = 0; i < styles.size(); i++) {
                                if (styles.get(i).name().equals(l.defaultStyle)) styles.add(0, styles.remove(i));
                            }
                        }
                        Layer layer = new Layer(w.name + ":" + l.name, l.title, c.open.samplers, l.variable, List.copyOf(styles),
                                c.open.bbox.clone(), c.open.times);
                        all.add(layer);
                        q.put(layer.name(), layer);
                        plain.computeIfAbsent(l.name, k -> new ArrayList<>()).add(layer);
                        Layer local = new Layer(l.name, layer.title(), layer.samplers(), layer.variable(), layer.styles(),
                                layer.bbox(), layer.times());
                        scoped.add(local);
                        scopedByName.put(l.name, local);
                    }
                }
                perWorkspace.put(w.name, new WorkspaceLayers(w.name, List.copyOf(scoped), Collections.unmodifiableMap(scopedByName)));
            }
        }
        plain.replaceAll((k, v) -> List.copyOf(v));
        snapshot = new Snapshot(List.copyOf(all), Collections.unmodifiableMap(q), Collections.unmodifiableMap(plain),
                Collections.unmodifiableMap(perWorkspace));
    }

    private void save() throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode wsa = root.putArray("workspaces");
        for (Ws w : workspaces.values()) {
            ObjectNode wn = wsa.addObject();
            wn.put("name", w.name);
            ArrayNode sa = wn.putArray("coverageStores");
            for (Cs c : w.stores.values()) {
                ObjectNode cn = sa.addObject();
                cn.put("name", c.name);
                cn.put("kind", c.kind.name().toLowerCase(Locale.ROOT));
                cn.put("path", c.path);
                if (c.description != null) cn.put("description", c.description);
                ArrayNode mem = cn.putArray("members");
                c.members.forEach(mem::add);
                ArrayNode la = cn.putArray("layers");
                for (Lyr l : c.layers.values()) {
                    ObjectNode ln = la.addObject();
                    ln.put("name", l.name);
                    ln.put("variable", l.variable);
                    ln.put("title", l.title);
                    if (l.defaultStyle != null) ln.put("defaultStyle", l.defaultStyle);
                }
            }
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.write(tmp, MAPPER.writeValueAsBytes(root));
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private synchronized void load() throws IOException {
        JsonNode root = MAPPER.readTree(file.toFile());
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IOException(file + ": unsupported catalogue version " + root.path("version") + ", expected " + VERSION);
        }
        for (JsonNode wn : root.path("workspaces")) {
            Ws w = new Ws(wn.path("name").asText());
            workspaces.put(w.name, w);
            for (JsonNode cn : wn.path("coverageStores")) {
                String name = cn.path("name").asText();
                String path = cn.path("path").asText();
                StoreSource.Kind kind = StoreSource.Kind.valueOf(cn.path("kind").asText("store").toUpperCase(Locale.ROOT));
                List<String> members = new ArrayList<>();
                cn.path("members").forEach(m -> members.add(m.asText()));
                OpenStore open = null;
                String error = null;
                try {
                    guard.check(Path.of(path), path);
                    List<Path> ps = new ArrayList<>();
                    for (String m : members) ps.add(guard.check(Path.of(m), m));
                    open = OpenStore.open(kind, ps);
                } catch (CatalogException e) {
                    error = e.getMessage();
                    LOG.log(System.Logger.Level.WARNING, "coverage store " + w.name + ":" + name + " unavailable: " + error);
                }
                String desc = cn.hasNonNull("description") ? cn.get("description").asText() : null;
                Cs c = new Cs(name, path, desc, kind, members, open, error);
                w.stores.put(name, c);
                for (JsonNode ln : cn.path("layers")) {
                    Lyr l = new Lyr(ln.path("name").asText(), ln.path("variable").asText(), ln.path("title").asText(),
                            ln.hasNonNull("defaultStyle") ? ln.get("defaultStyle").asText() : null);
                    c.layers.put(l.name, l);
                }
            }
        }
    }
}
