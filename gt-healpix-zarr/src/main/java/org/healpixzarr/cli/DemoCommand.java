package org.healpixzarr.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code demo}: the main job on the embedded sample. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the main job on the bundled sample: unpacks a synthetic EarthCARE MSI L2A frame "
                + "(200 x 43 pixels, CM + COP + AOT), converts it to DGGS-Zarr, validates the store and describes it.")
final class DemoCommand implements Callable<Integer> {
    static final String SAMPLES = "/org/healpixzarr/samples/earthcare/";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "healpix-zarr-demo", paramLabel = "DIR",
            description = "Folder for the sample inputs and the store (default ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path input = dataDir.resolve("input/earthcare");
        Files.createDirectories(input);
        List<String> names = new ArrayList<>();
        try (InputStream idx = DemoCommand.class.getResourceAsStream(SAMPLES + "INDEX")) {
            if (idx == null) throw new IllegalStateException("bundled sample missing from the jar: " + SAMPLES);
            new BufferedReader(new InputStreamReader(idx, StandardCharsets.UTF_8)).lines()
                    .filter(s -> !s.isBlank()).forEach(names::add);
        }
        for (String n : names) {
            try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLES + n)) {
                Files.copy(in, input.resolve(n), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path store = dataDir.resolve("stores/EarthCARE_MSI_L2A_06109D.zarr");
        out.println("== sample inputs: " + input.toAbsolutePath());
        out.flush();
        String[] steps = {"convert earthcare " + input + " -o " + store, "validate " + store, "info " + store};
        for (String s : steps) {
            out.println("== healpix-zarr " + s);
            out.flush();
            int code = spec.commandLine().getParent().execute(s.split(" "));
            if (code != Main.OK) return code;
        }
        out.println();
        out.println("Open it in Python:  import xarray as xr; ds = xr.open_zarr('" + store.toAbsolutePath()
                + "', zarr_format=3, consolidated=False)");
        out.flush();
        return Main.OK;
    }
}
