package org.healpixzarr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.healpixzarr.DataException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.convert.ConversionReport;
import org.healpixzarr.convert.RasterConverter;
import org.healpixzarr.dggs.DuplicatePolicy;
import org.healpixzarr.input.raster.RasterFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code convert raster}: georeferenced rasters (GeoTIFF) to DGGS-Zarr. */
@Command(name = "raster", mixinStandardHelpOptions = true,
        description = {"Converts georeferenced rasters (GeoTIFF, read with Apache SIS; geographic WGS84, UTM, Web Mercator "
                + "and the other CRSs SIS knows without the EPSG database) into sparse DGGS-Zarr stores: every pixel centre "
                + "its depth-29 WGS84 HEALPix cell, every band a variable in its own data type (named from the GDAL band "
                + "description, else band_<n>). Pixels whose bands are all no-data are skipped and counted.",
                "One file: -o is the store. Several files: -o is a folder and each file is written to <folder>/<name>.zarr. "
                + "Every file is opened and checked before any store is written."})
final class ConvertRasterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "GeoTIFF files.")
    List<Path> files;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Store (one file) or folder (several).")
    Path output;

    @Option(names = "--classes", description = "The bands hold classes (overviews take the mode) rather than quantities (mean).")
    boolean classes;

    @picocli.CommandLine.Mixin
    DuplicatesOption duplicates;

    @Option(names = "--memory-budget", defaultValue = "768", paramLabel = "MiB",
            description = "Memory for sorting before spilling to disk, MiB (default ${DEFAULT-VALUE}).")
    long memoryBudgetMiB;

    @Option(names = "--no-stac", description = "Do not rebuild the STAC catalogue of the folder holding the stores.")
    boolean noStac;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no report on the terminal.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        DuplicatePolicy policy = duplicates.policy();
        boolean single = files.size() == 1;
        if (!single && output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zarr")) {
            throw new InconsistentDataException(DataException.describe(output.toString(), "several rasters given for one store",
                    "one file for a .zarr output", files.size() + " files", "give a folder as -o to write one store per file"));
        }
        // check every file first: a bad one stops the run before anything is written
        List<Path> targets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path f : files) {
            try (RasterFile r = RasterFile.open(f)) {
                String base = f.getFileName().toString().replaceFirst("\\.[A-Za-z0-9]+$", "");
                if (!single && !names.add(base)) {
                    throw new InconsistentDataException(DataException.describe(f.toString(), "two rasters share the name " + base,
                            "distinct file names", base, "rename one of them"));
                }
                targets.add(single ? output : output.resolve(base + ".zarr"));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (int i = 0; i < files.size(); i++) {
            Path target = targets.get(i);
            Files.createDirectories(target.toAbsolutePath().getParent());
            ProgressBar bar = new ProgressBar(err, quiet, files.get(i).getFileName().toString());
            RasterConverter.Report rep;
            try (RasterFile r = RasterFile.open(files.get(i))) {
                rep = RasterConverter.convert(r, target, new RasterConverter.Options(classes, policy, memoryBudgetMiB << 20, bar));
            } finally {
                bar.done();
            }
            ConversionReport c = rep.conversion();
            if (!quiet) {
                out.printf(Locale.ROOT, "%s -> %s%n  pixels read %,d, converted %,d (skipped %,d no-data, %,d without a WGS84 position)%n"
                                + "  cells written %,d, collisions %,d (in %,d cells)%n  %,d objects, %,d bytes%n",
                        files.get(i), c.store(), c.pixelsRead(), c.pixelsGeolocated(), rep.pixelsNoData(), rep.pixelsOutside(),
                        c.cellsWritten(), c.collisions(), c.cellsWithCollision(), c.objects(), c.bytes());
                out.flush();
            }
        }
        if (!noStac) StacCommand.afterConversion(single ? output.toAbsolutePath().getParent() : output, quiet, out, err);
        return Main.OK;
    }
}
