package org.healpixzarr.server.catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.healpixzarr.DataException;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsValidator;
import org.healpixzarr.dggs.ValidationReport;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.render.Style;
import org.healpixzarr.render.Styles;

/**
 * The open member stores of one coverage store with one sampler each, and what the layers need from them:
 * variables common to every member, bounding box, time extent. Immutable once built; thread-safe.
 */
final class OpenStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenStore.class.getName());
    private static final java.util.concurrent.atomic.AtomicBoolean SAMPLER_WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    final StoreSource.Kind kind;
    final List<Path> paths;
    final List<DggsStore> stores;
    /** One per store; empty while the sampler is not available in this build. */
    final List<CellSampler> samplers;
    /** Variable name to its description in the first member; only variables every member has. */
    final Map<String, VariableInfo> variables;
    final double[] bbox;
    final List<String> times;
    /** The first member's title (or folder name): the store's title if it is not a mosaic. */
    final String title;

    private OpenStore(StoreSource.Kind kind, List<Path> paths, List<DggsStore> stores) {
        this.kind = kind;
        this.paths = List.copyOf(paths);
        this.stores = List.copyOf(stores);
        List<CellSampler> s = new ArrayList<>();
        for (DggsStore st : stores) {
            CellSampler c = sampler(st);
            if (c == null) break;
            s.add(c);
        }
        this.samplers = s.size() == stores.size() ? List.copyOf(s) : List.of();
        Map<String, VariableInfo> v = new LinkedHashMap<>();
        for (VariableInfo i : stores.get(0).variables()) v.put(i.name(), i);
        for (DggsStore st : stores.subList(1, stores.size())) {
            TreeSet<String> names = new TreeSet<>();
            for (VariableInfo i : st.variables()) names.add(i.name());
            v.keySet().retainAll(names);
        }
        this.variables = java.util.Collections.unmodifiableMap(v);
        this.bbox = union(stores);
        TreeSet<String> t = new TreeSet<>();
        for (DggsStore st : stores) {
            String time = time(st);
            if (time != null) t.add(time);
        }
        this.times = List.copyOf(t);
        Object ti = stores.get(0).attributes().get("title");
        this.title = ti instanceof String x && !x.isBlank() ? x : paths.get(0).getFileName().toString();
    }

    /** Validates every member (full check) and opens them; 400 with the validator's message if one is invalid. */
    static OpenStore validateAndOpen(StoreSource.Members m) throws CatalogException {
        for (Path p : m.stores()) {
            ValidationReport r;
            try {
                r = DggsValidator.validate(p);
            } catch (IOException e) {
                throw CatalogException.bad("cannot read store '" + p + "': " + e.getMessage());
            }
            if (!r.valid()) {
                throw CatalogException.bad("invalid DGGS-Zarr store: " + String.join("; ", r.problems()));
            }
        }
        return open(m.kind(), m.stores());
    }

    /** Opens members already validated (on restart); 400 naming the store if one cannot be opened. */
    static OpenStore open(StoreSource.Kind kind, List<Path> paths) throws CatalogException {
        List<DggsStore> stores = new ArrayList<>();
        for (Path p : paths) {
            try {
                stores.add(DggsStore.open(p));
            } catch (IOException | DataException e) {
                throw CatalogException.bad("cannot open store '" + p + "': " + e.getMessage());
            }
        }
        if (stores.isEmpty()) throw CatalogException.bad("no store to open");
        return new OpenStore(kind, paths, stores);
    }

    /** The styles of a variable, the default first; a single placeholder while styles are not available. */
    List<Style> styles(String variable) {
        try {
            List<Style> s = Styles.of(stores.get(0), variable);
            if (!s.isEmpty()) return List.copyOf(s);
        } catch (DataException e) {
            LOG.log(System.Logger.Level.WARNING, "no styles for " + variable + " of " + paths.get(0) + ": " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            // render not in this build
        }
        return List.of(new Style("default", "Default", variable, 0, Double.NaN, Double.NaN));
    }

    private static CellSampler sampler(DggsStore s) {
        try {
            return CellSampler.of(s);
        } catch (UnsupportedOperationException e) {
            if (!SAMPLER_WARNED.getAndSet(true)) {
                LOG.log(System.Logger.Level.WARNING, "no cell sampler in this build: layers cannot be drawn");
            }
            return null;
        }
    }

    private static String time(DggsStore s) {
        String t0 = str(s.attributes().get("time_coverage_start"));
        String t1 = str(s.attributes().get("time_coverage_end"));
        if (t0 == null && t1 == null) {
            t0 = str(s.facts().get("time_coverage_start"));
            t1 = str(s.facts().get("time_coverage_end"));
        }
        if (t0 == null) return t1;
        if (t1 == null || t1.equals(t0)) return t0;
        return t0 + "/" + t1;
    }

    private static String str(Object o) {
        return o instanceof String s && !s.isBlank() ? s : null;
    }

    /** Union of the members' boxes; a member crossing the antimeridian, or several disjoint in longitude, keep west > east. */
    private static double[] union(List<DggsStore> stores) {
        double[] u = null;
        for (DggsStore s : stores) {
            double[] b = s.bbox();
            if (b == null) continue;
            if (u == null) {
                u = b.clone();
                continue;
            }
            u[1] = Math.min(u[1], b[1]);
            u[3] = Math.max(u[3], b[3]);
            if (u[0] > u[2] || b[0] > b[2]) {
                u[0] = -180;
                u[2] = 180;
            } else {
                u[0] = Math.min(u[0], b[0]);
                u[2] = Math.max(u[2], b[2]);
            }
        }
        return u == null ? new double[] {-180, -90, 180, 90} : u;
    }

    @Override
    public void close() {
        for (DggsStore s : stores) s.close();
    }
}
