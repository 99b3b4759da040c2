package org.healpixzarr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.healpixzarr.dggs.Overviews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overviews STORE}: rebuilds the overview pyramid of a store. */
@Command(name = "overviews", mixinStandardHelpOptions = true,
        description = {"Rebuilds the overview pyramid (overviews/<depth>/) of a DGGS-Zarr store from its depth-29 cells: "
                + "native depth from the median spacing of the observations; levels from the first depth, at most the native "
                + "one, whose cells are at most half the observations (or --max-depth) down to the first whose cells fit in "
                + "one chunk (or --min-depth). Variables are aggregated by kind: mean (quantities), "
                + "mode (classes), bitwise OR (bit fields), re-quantised mean (embeddings).",
                "Atomic: built in a temporary folder inside the store, then swapped in; on failure the store is left as it "
                + "was. The result is byte-identical to the pyramid written by the conversion."})
final class OverviewsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "STORE", description = "Store folder (*.zarr).")
    Path store;

    @Option(names = "--min-depth", paramLabel = "D", description = "Coarsest level to build (0..native depth).")
    Integer minDepth;

    @Option(names = "--max-depth", paramLabel = "D", description = "Finest level to build (0..29, used up to the native depth); "
            + "default: the first depth whose cells are at most half the observations (a finer level is almost a copy of the data).")
    Integer maxDepth;

    @Option(names = {"-q", "--quiet"}, description = "No report on the terminal.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (minDepth != null && (minDepth < 0 || minDepth > 29)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--min-depth must be in 0..29, found " + minDepth);
        }
        if (maxDepth != null && (maxDepth < 0 || maxDepth > 29)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-depth must be in 0..29, found " + maxDepth);
        }
        if (minDepth != null && maxDepth != null && minDepth > maxDepth) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--min-depth " + minDepth
                    + " is finer than --max-depth " + maxDepth + ": expected min ≤ max");
        }
        Overviews.Report r = Overviews.rebuild(store, minDepth, maxDepth);
        if (!quiet) {
            PrintWriter out = spec.commandLine().getOut();
            Overviews.Result p = r.result();
            out.printf(Locale.ROOT, "%s: median spacing %s, native depth %d%n", store,
                    Double.isNaN(p.medianSpacing()) ? "n/a" : String.format(Locale.ROOT, "%.1f m", p.medianSpacing()), p.nativeDepth());
            if (p.depths().length == 0) out.println("  no overview levels (fewer than 2 cells)");
            for (int i = 0; i < p.depths().length; i++) {
                out.printf(Locale.ROOT, "  overviews/%d: %,d cells%n", p.depths()[i], p.cells()[i]);
            }
            out.printf(Locale.ROOT, "  %,d objects, %,d bytes%n", r.objects(), r.bytes());
            out.flush();
        }
        return Main.OK;
    }
}
