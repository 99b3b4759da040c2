package org.healpixzarr.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.render.GeoTiffExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code export STORE --var V ... -o out.tif}: a float32 GeoTIFF of one variable. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes the values of one variable on a grid as a float32 GeoTIFF (one band per band of the "
                + "variable, NaN no-data), georeferenced in the CRS. Embeddings are written dequantised (value x scale).")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MapRequest map;

    @Option(names = "--bands", paramLabel = "LIST", description = "Bands to export, e.g. 0,3,5-9 (default: all).")
    String bands;

    @Override
    public Integer call() throws Exception {
        int[] b = bands == null ? new int[0] : parseBands(bands);
        try (DggsStore s = DggsStore.open(map.store)) {
            VariableInfo v = s.variable(map.variable);
            for (int x : b) {
                if (x < 0 || x >= v.bands()) {
                    throw new FormatException(DataException.describe(s.name() + ":" + v.name(), "no band " + x,
                            "bands 0.." + (v.bands() - 1), x, null));
                }
            }
            MapRequest.Grid g = map.grid(s);
            CellSampler sampler = CellSampler.of(s);
            MapRequest.writeAtomically(map.output, o -> GeoTiffExport.write(sampler, g.grid(), map.variable, b, o));
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %d x %d px x %d bands, %s, box %s (lon/lat)%n",
                    map.output, g.width(), g.height(), b.length == 0 ? v.bands() : b.length, map.crs, MapRequest.fmt(g.lonLatBox()));
        }
        return Main.OK;
    }

    private int[] parseBands(String s) {
        List<Integer> out = new ArrayList<>();
        try {
            for (String part : s.split(",")) {
                String p = part.trim();
                int dash = p.indexOf('-', 1);
                if (dash > 0) {
                    int a = Integer.parseInt(p.substring(0, dash).trim()), z = Integer.parseInt(p.substring(dash + 1).trim());
                    if (z < a) throw new NumberFormatException();
                    for (int i = a; i <= z; i++) out.add(i);
                } else {
                    out.add(Integer.parseInt(p));
                }
            }
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bands: expected a list like 0,3,5-9, found '" + s + "'");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
