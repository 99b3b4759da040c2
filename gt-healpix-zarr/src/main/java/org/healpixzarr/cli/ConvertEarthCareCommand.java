package org.healpixzarr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.healpixzarr.DataException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.convert.ConversionReport;
import org.healpixzarr.convert.DenseLayoutEstimate;
import org.healpixzarr.convert.SwathConverter;
import org.healpixzarr.dggs.DuplicatePolicy;
import org.healpixzarr.input.Swath;
import org.healpixzarr.input.SwathSink;
import org.healpixzarr.input.SwathVariable;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.input.earthcare.EarthCareInputs;
import org.healpixzarr.input.earthcare.MsiFrameReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code convert earthcare}: EarthCARE MSI Level-2A frames to DGGS-Zarr. */
@Command(name = "earthcare", mixinStandardHelpOptions = true,
        description = {"Converts the MSI_CM__2A, MSI_COP_2A and MSI_AOT_2A products of EarthCARE orbit frames into one "
                + "sparse DGGS-Zarr store per frame, every geolocated pixel its own depth-29 WGS84 HEALPix cell.",
                "Inputs: .h5 files (with their .HDR beside them or not), .ZIP files, and folders holding them; grouped by "
                + "orbit and frame from the file names. One frame: -o is the store. Several frames: -o is a folder and "
                + "each frame is written to <folder>/EarthCARE_MSI_L2A_<orbit><frame>.zarr."})
final class ConvertEarthCareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = ".h5 / .ZIP products or folders holding them.")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Store (one frame, e.g. frame.zarr) or folder (several frames).")
    Path output;

    @Option(names = "--variables", split = ",", paramLabel = "NAME",
            description = "Only these variables (store names, comma separated). Default: all.")
    List<String> variables;

    @picocli.CommandLine.Mixin
    DuplicatesOption duplicates;

    @Option(names = "--layout", defaultValue = "sparse", paramLabel = "LAYOUT",
            description = "sparse (default): only occupied cells. dense: every cell of every occupied chunk at "
                    + "--chunk-depth; refused with the computed cost unless the occupancy reaches --min-occupancy.")
    String layout;

    @Option(names = "--chunk-depth", defaultValue = "19", description = "Chunk depth of the dense layout (default ${DEFAULT-VALUE}).")
    int chunkDepth;

    @Option(names = "--min-occupancy", defaultValue = "0.5",
            description = "Observations per written cell the dense layout needs (default ${DEFAULT-VALUE}).")
    double minOccupancy;

    @Option(names = "--memory-budget", defaultValue = "768", paramLabel = "MiB",
            description = "Memory for sorting before spilling to disk, MiB (default ${DEFAULT-VALUE}).")
    long memoryBudgetMiB;

    @Option(names = "--no-stac", description = "Do not rebuild the STAC catalogue of the folder holding the stores.")
    boolean noStac;

    @Option(names = {"-q", "--quiet"}, description = "No progress and no report on the terminal.")
    boolean quiet;

    /** The dense layout's cost; refuses below the occupancy threshold (and, for now, above it too). */
    private void refuseDense(String frame, long[] ids, List<SwathVariable> vars) throws DataException {
        int bytesPerCell = 0;
        for (SwathVariable v : vars) bytesPerCell += DataType.fromV3Name(v.dataType()).byteSize() * v.bands();
        DenseLayoutEstimate e = DenseLayoutEstimate.of(ids, chunkDepth, bytesPerCell, vars.size());
        if (e.occupancy() < minOccupancy) {
            throw new DataException(DataException.describe(frame, "dense layout refused: " + e.describe(),
                    "occupancy >= " + minOccupancy, String.format(Locale.ROOT, "%.3g", e.occupancy()),
                    "use the default sparse layout (--layout sparse), which stores only the "
                            + String.format(Locale.ROOT, "%,d", e.observations()) + " occupied cells"));
        }
        throw new DataException(DataException.describe(frame, "dense layout: " + e.describe(), null, null,
                "this version writes only the sparse layout; use --layout sparse"));
    }

    @Override
    public Integer call() throws Exception {
        DuplicatePolicy policy = duplicates.policy();
        boolean dense = switch (layout.toLowerCase(Locale.ROOT)) {
            case "sparse" -> false;
            case "dense" -> true;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--layout must be sparse or dense, found '" + layout + "'");
        };
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SortedMap<String, List<Path>> frames = EarthCareInputs.group(inputs);
        if (frames.isEmpty()) {
            throw new org.healpixzarr.FormatException(DataException.describe(inputs.toString(), "no EarthCARE MSI L2A product found",
                    "files named ECA_*_MSI_{CM__,COP_,AOT_}2A_*.h5 or .ZIP", "none", null));
        }
        boolean single = frames.size() == 1;
        if (!single && output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zarr")) {
            throw new InconsistentDataException(DataException.describe(output.toString(),
                    "several frames given for one store", "products of one frame for a .zarr output",
                    frames.size() + " frames " + frames.keySet(), "give a folder as -o to write one store per frame"));
        }
        Set<String> selected = variables == null ? null : new LinkedHashSet<>(variables);
        List<ConversionReport> reports = new ArrayList<>();
        for (Map.Entry<String, List<Path>> frame : frames.entrySet()) {
            Path target = single ? output : output.resolve("EarthCARE_MSI_L2A_" + frame.getKey() + ".zarr");
            ProgressBar bar = new ProgressBar(err, quiet, frame.getKey());
            List<Path> products = frame.getValue();
            if (dense) {
                try {
                    MsiFrameReader.stream(products, selected, new SwathSink() {
                        @Override
                        public void begin(Swath geo, List<SwathVariable> vars) throws DataException {
                            refuseDense(frame.getKey(), SwathConverter.hash(geo), vars);
                        }

                        @Override
                        public void variable(SwathVariable v) {
                        }
                    });
                } finally {
                    bar.done();
                }
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            ConversionReport r = SwathConverter.convert(sink -> MsiFrameReader.stream(products, selected, sink), target,
                    new SwathConverter.Options(policy, memoryBudgetMiB << 20, bar));
            bar.done();
            reports.add(r);
            if (!quiet) {
                out.printf(Locale.ROOT, "%s -> %s%n  pixels read %,d, geolocated %,d (skipped %,d without geolocation)%n"
                                + "  cells written %,d, collisions %,d (in %,d cells)%n  %,d objects, %,d bytes%n",
                        r.granule(), r.store(), r.pixelsRead(), r.pixelsGeolocated(), r.pixelsWithoutGeolocation(),
                        r.cellsWritten(), r.collisions(), r.cellsWithCollision(), r.objects(), r.bytes());
                out.flush();
            }
        }
        if (!noStac) {
            // the folder that holds the stores: -o for several frames, its parent for one store
            StacCommand.afterConversion(single ? output.toAbsolutePath().getParent() : output, quiet, out, err);
        }
        return Main.OK;
    }
}
