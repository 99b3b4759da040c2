package org.healpixzarr.dggs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.healpixzarr.DataException;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.FileSystemStore;
import org.healpixzarr.zarr.Store;
import org.healpixzarr.zarr.ZarrArray;
import org.healpixzarr.zarr.ZarrGroup;

/**
 * Full check of a DGGS-Zarr store: metadata against the {@code dggs} convention and the layout, every chunk
 * decoded (so checksums and compression are verified), {@code cell_ids} strictly ascending and valid at the
 * depth, every variable as long as {@code cell_ids}, the chunk index consistent. Stateless, thread-safe.
 */
public final class DggsValidator {
    private DggsValidator() {}

    /** Validates the store at {@code path}; never throws for a bad store (problems are reported). */
    public static ValidationReport validate(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return new ValidationReport(path.toString(), List.of(path + ": no such store (expected a .zarr folder)"), 0, 0);
        }
        return validate(new FileSystemStore(path), path.toString());
    }

    /** Validates a store through any {@link Store}. */
    public static ValidationReport validate(Store store, String name) throws IOException {
        List<String> problems = new ArrayList<>();
        long objects = store.list("").size();
        if (store.get("zarr.json") == null) {
            problems.add(name + ": no zarr.json at the root (not a Zarr v3 store)");
            return new ValidationReport(name, problems, 0, objects);
        }
        Map<String, Object> attrs;
        ZarrGroup root;
        try {
            root = ZarrGroup.open(store, "");
            attrs = root.attributes();
        } catch (DataException e) {
            problems.add(e.getMessage());
            return new ValidationReport(name, problems, 0, objects);
        }
        problems.addAll(DggsConvention.check(attrs, name + "/zarr.json"));
        Object f = attrs.get(StoreLayout.FACTS);
        if (!(f instanceof Map) || !(((Map<?, ?>) f).get("layout_version") instanceof Number)
                || ((Number) ((Map<?, ?>) f).get("layout_version")).intValue() != StoreLayout.VERSION) {
            problems.add(name + "/zarr.json: attribute healpix_zarr.layout_version must be " + StoreLayout.VERSION);
        }
        if (!problems.isEmpty()) return new ValidationReport(name, problems, 0, objects);
        int depth = ((Number) ((Map<?, ?>) attrs.get("dggs")).get("refinement_level")).intValue();
        long maxId = 12L << (2 * depth);

        long n = -1;
        int chunkCells = 1;
        long[] bounds = null;
        try {
            ZarrArray ids = ZarrArray.open(store, DggsConvention.COORDINATE);
            if (ids.dataType() != DataType.UINT64 || ids.shape().length != 1) {
                problems.add(name + "/cell_ids: expected uint64 [cells], found " + ids.dataType().v3Name() + " "
                        + Arrays.toString(ids.shape()));
            } else {
                checkDims(ids, name, problems);
                n = ids.shape()[0];
                chunkCells = ids.metadata().chunkShape()[0];
                int step = ids.metadata().shardShape() != null ? ids.metadata().shardShape()[0] : chunkCells;
                long prev = -1;
                bounds = new long[(int) (2 * ((n + chunkCells - 1) / chunkCells))];
                for (long s = 0; s < n; s += step) {
                    int len = (int) Math.min(step, n - s);
                    long[] v = (long[]) ids.read(new long[] {s}, new int[] {len});
                    for (int i = 0; i < len; i++) {
                        long id = v[i];
                        long row = s + i;
                        if (id < 0 || id >= maxId) {
                            problems.add(name + "/cell_ids: row " + row + " holds " + Long.toUnsignedString(id)
                                    + ", not a depth-" + depth + " id (expected < " + maxId + ")");
                            return new ValidationReport(name, problems, row, objects);
                        }
                        if (row > 0 && id <= prev) {
                            problems.add(name + "/cell_ids: not strictly ascending at row " + row + " (" + prev + " then "
                                    + id + "); expected sorted unique ids");
                            return new ValidationReport(name, problems, row, objects);
                        }
                        int c = (int) (row / chunkCells);
                        if (row % chunkCells == 0) bounds[2 * c] = id;
                        bounds[2 * c + 1] = id;
                        prev = id;
                    }
                }
            }
        } catch (DataException e) {
            problems.add(e.getMessage());
        }
        Object cellsFact = ((Map<?, ?>) f).get("cells");
        if (n >= 0 && (!(cellsFact instanceof Number) || ((Number) cellsFact).longValue() != n)) {
            problems.add(name + "/zarr.json: healpix_zarr.cells is " + cellsFact + " but cell_ids holds " + n + " cells");
        }
        if (bounds != null) {
            try {
                ZarrArray index = ZarrArray.open(store, StoreLayout.CHUNK_BOUNDS);
                int chunks = bounds.length / 2;
                if (index.shape()[0] != chunks) {
                    problems.add(name + "/" + StoreLayout.CHUNK_BOUNDS + ": expected " + chunks + " chunks, found " + index.shape()[0]);
                } else if (chunks > 0 && !Arrays.equals(bounds, (long[]) index.read(new long[] {0, 0}, new int[] {chunks, 2}))) {
                    problems.add(name + "/" + StoreLayout.CHUNK_BOUNDS + ": does not match the first/last ids of the cell_ids chunks");
                }
            } catch (DataException e) {
                problems.add(e.getMessage());
            }
        }
        for (String child : root.childArrays()) {
            if (child.equals(DggsConvention.COORDINATE)) continue;
            try {
                ZarrArray a = ZarrArray.open(store, child);
                checkDims(a, name, problems);
                if (n >= 0 && a.shape()[0] != n) {
                    problems.add(name + "/" + child + ": length " + a.shape()[0] + " along cells, expected " + n
                            + " (the length of cell_ids)");
                    continue;
                }
                int step = a.metadata().shardShape() != null ? a.metadata().shardShape()[0] : a.metadata().chunkShape()[0];
                int bands = a.shape().length > 1 ? (int) a.shape()[1] : 1;
                for (long s = 0; s < a.shape()[0]; s += step) {
                    int len = (int) Math.min(step, a.shape()[0] - s);
                    if (bands == 1) a.read(new long[] {s}, new int[] {len});
                    else a.read(new long[] {s, 0}, new int[] {len, bands});
                }
            } catch (DataException e) {
                problems.add(e.getMessage());
            }
        }
        if (problems.isEmpty() && n >= 0) checkOverviews(store, name, (Map<?, ?>) f, depth, n, problems);
        return new ValidationReport(name, problems, Math.max(n, 0), objects);
    }

    /**
     * The overview levels listed in {@code healpix_zarr.overview_depths}: each a valid DGGS-Zarr group of its own
     * at its depth, whose ids are exactly the parents of the store's ids and whose {@code count} is the number of
     * store cells under each.
     */
    private static void checkOverviews(Store store, String name, Map<?, ?> facts, int depth, long n, List<String> problems)
            throws IOException {
        Object o = facts.get("overview_depths");
        if (!(o instanceof List) || ((List<?>) o).isEmpty()) return;
        List<?> depths = (List<?>) o;
        int prev = depth;
        for (Object x : depths) {
            if (!(x instanceof Integer) || (Integer) x >= prev || (Integer) x < 0) {
                problems.add(name + "/zarr.json: healpix_zarr.overview_depths must be strictly decreasing depths below "
                        + depth + ", found " + depths);
                return;
            }
            prev = (Integer) x;
        }
        Object nat = facts.get("native_depth");
        if (!(nat instanceof Number) || ((Number) nat).intValue() < (Integer) depths.get(0)) {
            problems.add(name + "/zarr.json: healpix_zarr.native_depth is " + nat + ", expected a depth at least the first "
                    + "overview depth " + depths.get(0));
        }
        for (Object x : depths) {
            int d = (Integer) x;
            String where = name + "/" + Overviews.GROUP + "/" + d;
            Store level = new org.healpixzarr.zarr.PrefixStore(store, Overviews.GROUP + "/" + d);
            ValidationReport r = validate(level, where);
            if (!r.problems().isEmpty()) {
                problems.addAll(r.problems());
                continue;
            }
            try {
                Map<String, Object> attrs = ZarrGroup.open(level, "").attributes();
                Object lvl = ((Map<?, ?>) attrs.get("dggs")).get("refinement_level");
                if (!(lvl instanceof Number) || ((Number) lvl).intValue() != d) {
                    problems.add(where + "/zarr.json: dggs.refinement_level is " + lvl + ", expected " + d);
                    continue;
                }
                checkParents(store, level, where, depth, d, n, problems);
            } catch (DataException e) {
                problems.add(e.getMessage());
            }
        }
    }

    /** Streams the store ids and the level ids and counts side by side. */
    private static void checkParents(Store store, Store level, String where, int depth, int d, long n, List<String> problems)
            throws IOException, DataException {
        ZarrArray count;
        try {
            count = ZarrArray.open(level, Overviews.COUNT);
        } catch (DataException e) {
            problems.add(where + "/" + Overviews.COUNT + ": missing (" + e.getMessage() + ")");
            return;
        }
        if (count.dataType() != DataType.UINT32) {
            problems.add(where + "/" + Overviews.COUNT + ": expected uint32, found " + count.dataType().v3Name());
            return;
        }
        Seq ids = new Seq(ZarrArray.open(store, DggsConvention.COORDINATE));
        Seq levelIds = new Seq(ZarrArray.open(level, DggsConvention.COORDINATE));
        Seq counts = new Seq(count);
        int shift = 2 * (depth - d);
        long row = -1, cur = -1, under = 0, total = 0;
        for (long i = 0; i < n; i++) {
            long p = ids.next() >>> shift;
            if (p != cur) {
                if (row >= 0 && !checkCount(counts, row, under, where, problems)) return;
                row++;
                if (row >= levelIds.length) {
                    problems.add(where + "/cell_ids: " + levelIds.length + " cells, but the store has cells under more parents"
                            + " at depth " + d + " (first missing: " + p + ")");
                    return;
                }
                long lid = levelIds.next();
                if (lid != p) {
                    problems.add(where + "/cell_ids: row " + row + " holds " + lid + ", expected " + p
                            + " (the next parent at depth " + d + " of the store's cell ids)");
                    return;
                }
                cur = p;
                under = 0;
            }
            under++;
            total++;
        }
        if (row >= 0 && !checkCount(counts, row, under, where, problems)) return;
        if (row + 1 != levelIds.length) {
            problems.add(where + "/cell_ids: " + levelIds.length + " cells, expected " + (row + 1)
                    + " (the distinct parents at depth " + d + " of the store's cell ids)");
        }
    }

    private static boolean checkCount(Seq counts, long row, long under, String where, List<String> problems)
            throws IOException, DataException {
        long c = counts.next() & 0xFFFFFFFFL;
        if (c != under) {
            problems.add(where + "/" + Overviews.COUNT + ": row " + row + " holds " + c + ", but " + under
                    + " cells of the store lie in that cell");
            return false;
        }
        return true;
    }

    /** Sequential reader of a 1-D uint64/uint32 array, one shard (or chunk) at a time. */
    private static final class Seq {
        final ZarrArray a;
        final long length;
        final int step;
        long at;
        Object buf;
        int pos, len;

        Seq(ZarrArray a) {
            this.a = a;
            this.length = a.shape()[0];
            this.step = a.metadata().shardShape() != null ? a.metadata().shardShape()[0] : a.metadata().chunkShape()[0];
        }

        long next() throws IOException, DataException {
            if (pos == len) {
                len = (int) Math.min(step, length - at);
                buf = a.read(new long[] {at}, new int[] {len});
                at += len;
                pos = 0;
            }
            return buf instanceof long[] ? ((long[]) buf)[pos++] : ((int[]) buf)[pos++];
        }
    }

    private static void checkDims(ZarrArray a, String name, List<String> problems) {
        String[] dims = a.metadata().dimensionNames();
        if (dims == null || dims.length == 0 || !DggsConvention.DIMENSION.equals(dims[0])) {
            problems.add(name + "/" + a.path() + ": first dimension must be named '" + DggsConvention.DIMENSION
                    + "' (dggs.spatial_dimension), found " + (dims == null ? "none" : Arrays.toString(dims)));
        }
    }
}
