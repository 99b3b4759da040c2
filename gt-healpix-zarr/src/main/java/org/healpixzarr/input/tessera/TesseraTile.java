package org.healpixzarr.input.tessera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;

/**
 * One TESSERA tile of one year, opened and checked whole before any pixel is used: the name parses, the
 * embeddings are int8 (H, W, 128), the scales float32 (H, W) on the same grid, the landmask exists with the same
 * H x W (and, when it is georeferenced, the grid's origin), and H x W fits in the tile's full UTM grid.
 * Every failure names the tile. Rows are then read in blocks.
 */
public final class TesseraTile implements AutoCloseable {
    /** Embedding dimensions. */
    public static final int BANDS = 128;
    /** Folder of the embeddings under the root. */
    public static final String REPRESENTATION = "global_0.1_degree_representation";
    /** Folder of the landmasks under the root. */
    public static final String LANDMASKS = "global_0.1_degree_tiff_all";

    private final TileName name;
    private final TileGrid grid;
    private final NpyFile embeddings;
    private final NpyFile scales;
    private final Landmask landmask;
    private final int rows, cols;

    private TesseraTile(TileName name, TileGrid grid, NpyFile embeddings, NpyFile scales, Landmask landmask, int rows, int cols) {
        this.name = name;
        this.grid = grid;
        this.embeddings = embeddings;
        this.scales = scales;
        this.landmask = landmask;
        this.rows = rows;
        this.cols = cols;
    }

    /** The tile folders of {@code year} under {@code root}, sorted by name (names not checked yet). */
    public static List<String> list(Path root, int year) throws IOException, DataException {
        Path dir = root.resolve(REPRESENTATION).resolve(Integer.toString(year));
        if (!Files.isDirectory(dir)) {
            throw new FormatException(DataException.describe(root.toString(), "no TESSERA tiles for year " + year,
                    "a folder " + REPRESENTATION + "/" + year + "/grid_<lon>_<lat>/", "no such folder",
                    "give the root of a geotessera download (the folder holding " + REPRESENTATION + ")"));
        }
        List<String> names = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && Files.isDirectory(p)) names.add(n);
            }
        }
        names.sort(null);
        return names;
    }

    /** Opens tile {@code name} of {@code year} under {@code root}, checking all its parts. */
    public static TesseraTile open(Path root, int year, String name) throws IOException, DataException {
        TileName tn = TileName.parse(name);
        String where = "tile " + name;
        Path dir = root.resolve(REPRESENTATION).resolve(Integer.toString(year)).resolve(name);
        Path emb = dir.resolve(name + ".npy"), sc = dir.resolve(name + "_scales.npy");
        Path mask = root.resolve(LANDMASKS).resolve(name + ".tiff");
        for (Path p : List.of(emb, sc, mask)) {
            if (!Files.isRegularFile(p)) {
                throw new FormatException(DataException.describe(where, p == mask ? "missing landmask" : "missing file",
                        p.toString(), "no such file", null));
            }
        }
        TileGrid grid = TileGrid.of(tn);
        NpyFile e = null, s = null;
        boolean ok = false;
        try {
            e = NpyFile.open(emb, "|i1", 3);
            s = NpyFile.open(sc, "<f4", 2);
            long[] es = e.shape(), ss = s.shape();
            if (es[2] != BANDS) {
                throw new FormatException(DataException.describe(where + ": " + emb, "wrong embedding length",
                        "shape (H, W, " + BANDS + ")", shape(es), null));
            }
            if (es[0] != ss[0] || es[1] != ss[1]) {
                throw new InconsistentDataException(DataException.describe(where + ": " + sc, "scales not on the embedding grid",
                        "shape (" + es[0] + ", " + es[1] + ")", shape(ss), null));
            }
            if (es[0] > grid.height() || es[1] > grid.width() || es[0] == 0 || es[1] == 0) {
                throw new InconsistentDataException(DataException.describe(where + ": " + emb, "grid larger than the tile's UTM grid (or empty)",
                        "at most (" + grid.height() + ", " + grid.width() + ") for EPSG:" + grid.epsg(), shape(es), null));
            }
            Landmask lm = Landmask.read(mask);
            if (lm.height() != es[0] || lm.width() != es[1]) {
                throw new InconsistentDataException(DataException.describe(where + ": " + mask, "landmask not on the embedding grid",
                        es[0] + " rows x " + es[1] + " columns", lm.height() + " rows x " + lm.width() + " columns", null));
            }
            if (!Double.isNaN(lm.tiepointX()) && (Math.abs(lm.tiepointX() - grid.originE()) > 0.01
                    || Math.abs(lm.tiepointY() - grid.originN()) > 0.01)) {
                throw new InconsistentDataException(DataException.describe(where + ": " + mask, "landmask origin is not the tile grid's",
                        String.format(Locale.ROOT, "(%.3f, %.3f) in EPSG:%d", grid.originE(), grid.originN(), grid.epsg()),
                        String.format(Locale.ROOT, "(%.3f, %.3f)", lm.tiepointX(), lm.tiepointY()), null));
            }
            TesseraTile t = new TesseraTile(tn, grid, e, s, lm, (int) es[0], (int) es[1]);
            ok = true;
            return t;
        } catch (DataException ex) {
            if (ex.getMessage().startsWith(where)) throw ex;
            // NPY/TIFF messages name the file; say which tile too
            DataException d = ex instanceof FormatException ? new FormatException(where + ": " + ex.getMessage(), ex)
                    : ex instanceof InconsistentDataException ? new InconsistentDataException(where + ": " + ex.getMessage(), ex)
                    : ex instanceof org.healpixzarr.CorruptDataException ? new org.healpixzarr.CorruptDataException(where + ": " + ex.getMessage(), ex)
                    : new DataException(where + ": " + ex.getMessage(), ex);
            throw d;
        } finally {
            if (!ok) {
                if (e != null) e.close();
                if (s != null) s.close();
            }
        }
    }

    private static String shape(long[] s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) b.append(i == 0 ? "" : ", ").append(s[i]);
        return b.append(')').toString();
    }

    public TileName name() {
        return name;
    }

    public TileGrid grid() {
        return grid;
    }

    /** Rows in the files (H). */
    public int rows() {
        return rows;
    }

    /** Columns in the files (W). */
    public int cols() {
        return cols;
    }

    /** Landmask values, row-major (0 water). */
    public byte[] landmask() {
        return landmask.values();
    }

    /** Reads the int8 embeddings of rows {@code [row, row + n)}, {@code n * cols * 128} bytes. */
    public void readEmbeddings(int row, int n, byte[] dst) throws IOException, DataException {
        embeddings.readRows(row, n, dst);
    }

    /** Reads the scales of rows {@code [row, row + n)}; {@code scratch} holds at least {@code 4 * n * cols} bytes. */
    public void readScales(int row, int n, float[] dst, byte[] scratch) throws IOException, DataException {
        scales.readFloatRows(row, n, dst, scratch);
    }

    /**
     * Copies the 128 int8 values of pixel {@code (row, col)} into {@code dst[off..off + 128)} (one positional read:
     * for sparse sampling; use {@link #readEmbeddings} for whole rows).
     */
    public void readEmbedding(int row, int col, byte[] dst, int off) throws IOException, DataException {
        embeddings.readAt(((long) row * cols + col) * BANDS, dst, off, BANDS);
    }

    /** Whether a scale is valid: finite and strictly between 0 and 1. */
    public static boolean validScale(float s) {
        return s > 0f && s < 1f; // false for NaN; +inf fails < 1
    }

    @Override
    public void close() throws IOException {
        try {
            embeddings.close();
        } finally {
            scales.close();
        }
    }
}
