package org.healpixzarr.cli;

import picocli.CommandLine.Command;

/** {@code convert}: the converters, one subcommand per input kind. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Converts observations to a sparse DGGS-Zarr store, one depth-29 WGS84 cell per pixel.",
        subcommands = {ConvertEarthCareCommand.class, ConvertTesseraCommand.class, ConvertRasterCommand.class})
final class ConvertCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to convert: earthcare, tessera or raster");
    }
}
