package org.healpixzarr.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjDoubleConsumer;
import java.util.stream.IntStream;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.DuplicatePolicy;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.dggs.WriteReport;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.input.Swath;
import org.healpixzarr.input.SwathSink;
import org.healpixzarr.input.SwathVariable;
import org.healpixzarr.zarr.DataType;

/**
 * Cell-point conversion of a {@link Swath}: every geolocated pixel goes to the one depth-29 WGS84 nested cell
 * that contains it; pixels without geolocation are skipped and counted; two pixels in one cell are a
 * collision, counted and reported (the first pixel in row-major order is kept, or the conversion fails under
 * {@link DuplicatePolicy#FAIL}). Stateless and thread-safe; hashing uses all available cores.
 */
public final class SwathConverter {
    /** Depth of the cells: 29 (~1.2 cm). */
    public static final int DEPTH = HealpixGrid.MAX_DEPTH;

    private SwathConverter() {}

    /**
     * Options of a conversion.
     *
     * @param policy       duplicate policy
     * @param memoryBudget writer memory budget, bytes (spill beyond it)
     * @param progress     receives (phase, fraction in [0,1]); may be {@code null}
     */
    public record Options(DuplicatePolicy policy, long memoryBudget, ObjDoubleConsumer<String> progress) {
        /** Keep-first, default budget, no progress. */
        public static Options defaults() {
            return new Options(DuplicatePolicy.KEEP_FIRST, DggsWriter.DEFAULT_MEMORY_BUDGET, null);
        }
    }

    /** Hashes every pixel to its depth-29 WGS84 cell (-1 without geolocation), in parallel. */
    public static long[] hash(Swath swath) {
        int n = swath.pixels();
        long[] ids = new long[n];
        HealpixGrid grid = HealpixGrid.of(Ellipsoid.WGS84, DEPTH);
        int blocks = Math.max(1, Math.min(64, n / 65536));
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = (int) ((long) n * b / blocks), to = (int) ((long) n * (b + 1) / blocks);
            grid.hash(swath.longitude(), swath.latitude(), ids, from, to);
        });
        return ids;
    }

    /** The store declaration of a swath variable. */
    public static VariableSpec spec(SwathVariable v) throws org.healpixzarr.FormatException {
        VariableKind kind = switch (v.kind()) {
            case QUANTITY -> VariableKind.QUANTITY;
            case CLASS -> VariableKind.CLASS;
            case BITS -> VariableKind.BITS;
        };
        return new VariableSpec(v.name(), DataType.fromV3Name(v.dataType()), v.bands(), v.fillValue(), v.attributes(), kind);
    }

    private static Map<String, Object> withoutDataset(Map<String, Object> attributes) {
        Map<String, Object> a = new LinkedHashMap<>(attributes);
        a.remove("dataset"); // a project fact (healpix_zarr.dataset), not a CF/ACDD attribute
        return a;
    }

    /** Converts a swath held in memory; see {@link #convert(SwathSink.Source, Path, Options)}. */
    public static ConversionReport convert(Swath swath, Path out, Options options) throws IOException, DataException {
        return convert(sink -> {
            sink.begin(swath, swath.variables());
            for (SwathVariable v : swath.variables()) sink.variable(v);
        }, out, options);
    }

    /**
     * Converts a streamed swath (see {@link SwathSink}): the geolocation is hashed and sorted first, then each
     * variable is gathered and encoded as it arrives and dropped, so memory stays near the geolocation plus two
     * variables. The store is written atomically: complete or absent.
     */
    public static ConversionReport convert(SwathSink.Source source, Path out, Options options)
            throws IOException, DataException {
        ObjDoubleConsumer<String> progress = options.progress() == null ? (s, f) -> { } : options.progress();
        progress.accept("read", 0);
        final class Sink implements SwathSink {
            DggsWriter.ColumnWriter columns;
            Swath geo;
            long geolocated;
            int expected;
            int done;

            @Override
            public void begin(Swath geolocation, List<SwathVariable> variables) throws IOException, DataException {
                geo = geolocation;
                progress.accept("hash", 0);
                long[] ids = hash(geolocation);
                for (long id : ids) if (id >= 0) geolocated++;
                progress.accept("hash", 1);
                Map<String, Object> facts = new LinkedHashMap<>();
                Object dataset = geolocation.globalAttributes().get("dataset");
                if (dataset != null) facts.put("dataset", dataset);
                facts.put("granule", geolocation.id());
                facts.put("pixels_read", geolocation.pixels());
                facts.put("pixels_geolocated", geolocated);
                facts.put("pixels_without_geolocation", geolocation.pixels() - geolocated);
                facts.put("sources", geolocation.sources());
                DggsWriter.Builder b = DggsWriter.builder(out).ellipsoid(Ellipsoid.WGS84).depth(DEPTH)
                        .duplicatePolicy(options.policy()).memoryBudget(options.memoryBudget())
                        .attributes(withoutDataset(geolocation.globalAttributes())).facts(facts);
                for (SwathVariable v : variables) b.variable(spec(v));
                expected = variables.size();
                columns = b.build().columns(ids);
                progress.accept("write", 0);
            }

            @Override
            public void variable(SwathVariable v) throws IOException, DataException {
                columns.write(v.name(), v.values());
                progress.accept("write", (double) ++done / Math.max(1, expected));
            }
        }
        Sink sink = new Sink();
        try {
            source.streamTo(sink);
            if (sink.columns == null) throw new IllegalStateException("the source delivered no geolocation");
            WriteReport r = sink.columns.finish();
            progress.accept("write", 1);
            return new ConversionReport(sink.geo.id(), r.store(), sink.geo.pixels(), sink.geolocated, r.cellsWritten(),
                    r.collisions(), r.cellsWithCollision(), r.objects(), r.bytes());
        } finally {
            if (sink.columns != null) sink.columns.close();
        }
    }
}
