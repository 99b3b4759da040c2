package org.healpixzarr.cli;

import java.util.Locale;
import org.healpixzarr.dggs.DuplicatePolicy;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --duplicates} option of the converters that write one store per input (a picocli mixin). */
final class DuplicatesOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--duplicates", defaultValue = "keep-first", paramLabel = "POLICY",
            description = "Two pixels in one cell: keep-first (count them) or fail. Default: ${DEFAULT-VALUE}.")
    String duplicates;

    /** The policy chosen; a usage error (exit 2) naming the accepted values otherwise. */
    DuplicatePolicy policy() {
        return switch (duplicates.toLowerCase(Locale.ROOT)) {
            case "keep-first" -> DuplicatePolicy.KEEP_FIRST;
            case "fail" -> DuplicatePolicy.FAIL;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--duplicates must be keep-first or fail, found '" + duplicates + "'");
        };
    }
}
