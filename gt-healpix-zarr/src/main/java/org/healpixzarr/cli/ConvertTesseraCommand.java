package org.healpixzarr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.healpixzarr.convert.TesseraConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code convert tessera}: TESSERA embedding tiles of one year to a partitioned DGGS-Zarr collection. */
@Command(name = "tessera", mixinStandardHelpOptions = true,
        description = {"Converts TESSERA embedding tiles (geotessera layout: ROOT/global_0.1_degree_representation/<YEAR>/"
                + "grid_<lon>_<lat>/ and ROOT/global_0.1_degree_tiff_all/ landmasks) into sparse DGGS-Zarr stores, every land "
                + "pixel with a valid scale its own depth-29 WGS84 HEALPix cell; int8 embeddings and float32 scales kept as they are.",
                "Output: one store per depth-8 HEALPix cell (about 25 km): OUT/tessera-<YEAR>_d8_<cell>.zarr. The same input "
                + "gives byte-identical stores."})
final class ConvertTesseraCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ROOT", description = "Folder holding global_0.1_degree_representation and global_0.1_degree_tiff_all.")
    Path root;

    @Option(names = "--year", required = true, description = "Year folder to convert, e.g. 2024.")
    int year;

    @Option(names = "--bbox", split = ",", paramLabel = "W,S,E,N",
            description = "Only tiles meeting this box and only pixels inside it (degrees, west,south,east,north; "
                    + "west > east crosses the antimeridian).")
    List<Double> bbox;

    @Option(names = "--keep-going", description = "Skip bad tiles (listed in the report) and convert the others; "
            + "without it the first bad tile stops the conversion and no store is written.")
    boolean keepGoing;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output folder of the partition stores.")
    Path output;

    @Option(names = "--memory-budget", defaultValue = "256", paramLabel = "MiB",
            description = "Memory for the rows of all partitions not yet written, before the largest spills to disk, MiB "
                    + "(default ${DEFAULT-VALUE}; the process needs about 2 to 4 times this).")
    long memoryBudgetMiB;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no report on the terminal.")
    boolean quiet;

    @Option(names = "--no-stac", description = "Do not rebuild the STAC catalogue of the output folder.")
    boolean noStac;

    @Override
    public Integer call() throws Exception {
        double[] box = null;
        if (bbox != null) {
            if (bbox.size() != 4) throw new ParameterException(spec.commandLine(), "--bbox needs 4 numbers W,S,E,N, found " + bbox.size());
            box = new double[4];
            for (int i = 0; i < 4; i++) box[i] = bbox.get(i);
            if (!(box[0] != box[2]) || !(box[1] < box[3]) || box[1] < -90 || box[3] > 90 || box[0] < -180 || box[0] > 180
                    || box[2] < -180 || box[2] > 180) {
                throw new ParameterException(spec.commandLine(), "--bbox must be W,S,E,N with W != E in [-180, 180] (W > E crosses "
                        + "the antimeridian) and -90 <= S < N <= 90, found " + bbox);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = new ProgressBar(err, quiet, "tessera " + year);
        TesseraConverter.Report r;
        try {
            r = TesseraConverter.convert(root, output, new TesseraConverter.Options(year, box, keepGoing, memoryBudgetMiB << 20, bar));
        } finally {
            bar.done();
        }
        if (!quiet) {
            out.printf(Locale.ROOT, "%s (%d) -> %s%n  tiles read %,d, bad tiles %,d%n  pixels read %,d%n", root, year, output,
                    r.tilesRead(), r.badTiles().size(), r.pixelsRead());
            for (Map.Entry<String, Long> e : r.skipped().entrySet()) out.printf(Locale.ROOT, "  skipped %s %,d%n", e.getKey(), e.getValue());
            out.printf(Locale.ROOT, "  cells written %,d, collisions %,d%n  partitions %,d (HEALPix depth %d)%n", r.cellsWritten(),
                    r.collisions(), r.partitions().size(), TesseraConverter.PARTITION_DEPTH);
            for (Path p : r.partitions()) out.println("    " + p.getFileName());
            for (TesseraConverter.BadTile b : r.badTiles()) out.println("  bad tile " + b.tile() + ": " + b.message());
            out.flush();
        }
        if (!noStac && !r.partitions().isEmpty()) StacCommand.afterConversion(output, quiet, out, err);
        return Main.OK;
    }
}
