package org.healpixzarr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code info STORE}: what a store holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describes a DGGS-Zarr store: grid, cells, bounding box, observations and collisions, native depth, "
                + "median spacing and overview levels (cells per level), "
                + "variables (type, units, kind), size on disk and number of objects.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "STORE", description = "Store folder (*.zarr).")
    Path store;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        long objects = 0, bytes = 0;
        try (DggsStore s = DggsStore.open(store)) {
            try (Stream<Path> w = Files.walk(store)) {
                for (Path p : (Iterable<Path>) w.filter(Files::isRegularFile)::iterator) {
                    objects++;
                    bytes += Files.size(p);
                }
            }
            Map<String, Object> f = s.facts();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("store", store.toString());
            m.put("grid", "HEALPix nested, depth " + s.depth() + ", " + s.ellipsoid());
            m.put("depth", s.depth());
            m.put("ellipsoid", s.ellipsoid().name());
            m.put("cells", s.cellCount());
            m.put("observations", f.get("observations"));
            m.put("observations_without_cell", f.get("observations_without_cell"));
            m.put("collisions", f.get("collisions"));
            m.put("cells_with_collision", f.get("cells_with_collision"));
            for (String k : List.of("pixels_read", "pixels_geolocated")) if (f.containsKey(k)) m.put(k, f.get(k));
            double[] b = s.bbox();
            m.put("bbox", b == null ? null : List.of(b[0], b[1], b[2], b[3]));
            for (String k : List.of("title", "time_coverage_start", "time_coverage_end", "source")) {
                if (s.attributes().containsKey(k)) m.put(k, s.attributes().get(k));
            }
            m.put("native_depth", s.nativeDepth());
            m.put("median_spacing_m", f.get("median_spacing_m"));
            m.put("overview_depths", f.get("overview_depths"));
            Map<String, Object> levels = new LinkedHashMap<>();
            for (int d : s.overviewDepths()) {
                try (DggsStore o = s.overview(d)) {
                    levels.put(String.valueOf(d), o.cellCount());
                }
            }
            m.put("overview_cells", levels);
            m.put("objects", objects);
            m.put("bytes", bytes);
            Map<String, Object> vars = new LinkedHashMap<>();
            for (VariableInfo v : s.variables()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("dtype", v.dataType().v3Name());
                d.put("bands", v.bands());
                d.put("units", v.units());
                d.put("kind", v.kind().name().toLowerCase(Locale.ROOT));
                d.put("fill_value", v.fillValue());
                d.put("long_name", v.longName());
                vars.put(v.name(), d);
            }
            m.put("variables", vars);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
            } else {
                for (Map.Entry<String, Object> e : m.entrySet()) {
                    if (e.getKey().equals("variables")) continue;
                    out.printf("%-27s %s%n", e.getKey() + ":", e.getValue());
                }
                out.printf("variables (%d):%n", vars.size());
                out.printf("  %-36s %-8s %5s %-14s %-8s %s%n", "name", "dtype", "bands", "units", "kind", "fill");
                for (VariableInfo v : s.variables()) {
                    out.printf("  %-36s %-8s %5d %-14s %-8s %s%n", v.name(), v.dataType().v3Name(), v.bands(),
                            v.units() == null ? "-" : v.units(), v.kind().name().toLowerCase(Locale.ROOT), v.fillValue());
                }
            }
            out.flush();
        }
        return Main.OK;
    }
}
