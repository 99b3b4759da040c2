package org.healpixzarr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.healpixzarr.stac.StacCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stac ROOT}: (re)builds the STAC catalogue of the stores under a folder. */
@Command(name = "stac", mixinStandardHelpOptions = true,
        description = {"Writes a static STAC 1.0.0 catalogue of the DGGS-Zarr stores under ROOT: ROOT/catalog.json, "
                + "one collection per dataset (ROOT/<dataset>/collection.json) and one item per store "
                + "(ROOT/<dataset>/<item>/<item>.json), all links relative. Rebuilding is idempotent.",
                "Exit code 1 when ROOT holds no DGGS-Zarr store."})
final class StacCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ROOT", description = "Folder holding .zarr stores (searched recursively).")
    Path root;

    @Override
    public Integer call() throws Exception {
        StacCatalog.Result r = StacCatalog.rebuild(root);
        PrintWriter out = spec.commandLine().getOut();
        print(out, r);
        PrintWriter err = spec.commandLine().getErr();
        for (Map.Entry<Path, String> e : r.skipped().entrySet()) {
            err.println("warning: skipped " + e.getKey() + ": " + e.getValue());
        }
        err.flush();
        return Main.OK;
    }

    /** One line for the catalogue, one per collection. */
    static void print(PrintWriter out, StacCatalog.Result r) {
        out.printf("STAC catalogue %s: %d collection%s, %d item%s%n", r.catalog(), r.collections().size(),
                r.collections().size() == 1 ? "" : "s", r.itemCount(), r.itemCount() == 1 ? "" : "s");
        for (StacCatalog.CollectionSummary c : r.collections()) {
            out.printf("  %s (%d item%s) %s%n", c.id(), c.items().size(), c.items().size() == 1 ? "" : "s", c.file());
        }
        out.flush();
    }

    /**
     * The converters' hook: rebuilds the catalogue of the folder holding the stores they just wrote and says so.
     * A failure is a warning only: the stores are written and {@code stac ROOT} can rebuild the catalogue later.
     */
    static void afterConversion(Path root, boolean quiet, java.io.PrintWriter out, java.io.PrintWriter err)
            throws java.io.IOException {
        try {
            org.healpixzarr.stac.StacCatalog.Result c = org.healpixzarr.stac.StacCatalog.rebuild(root);
            if (!quiet) {
                out.printf(java.util.Locale.ROOT, "STAC catalogue updated: %s (%d collection%s, %d item%s)%n", c.catalog(),
                        c.collections().size(), c.collections().size() == 1 ? "" : "s", c.itemCount(),
                        c.itemCount() == 1 ? "" : "s");
            }
        } catch (org.healpixzarr.DataException e) {
            err.println("warning: STAC catalogue not updated: " + e.getMessage()
                    + " (run 'healpix-zarr stac " + root + "' once fixed)");
        }
        out.flush();
        err.flush();
    }
}
