package org.healpixzarr.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.healpixzarr.dggs.DggsValidator;
import org.healpixzarr.dggs.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code validate STORE}: full check; exit 0 valid, 1 invalid with the reasons. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks a DGGS-Zarr store: metadata against the zarr-conventions dggs convention and the layout, "
                + "every chunk decoded (checksums, compression), cell_ids sorted and unique, array lengths, chunk index.",
                "Exit 0 if valid, 1 if invalid (each reason on stderr)."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "STORE", description = "Store folder(s) (*.zarr).")
    java.util.List<Path> stores;

    @Override
    public Integer call() throws Exception {
        int code = Main.OK;
        for (Path p : stores) {
            ValidationReport r = DggsValidator.validate(p);
            if (r.valid()) {
                spec.commandLine().getOut().printf("%s: valid (%d cells, %d objects)%n", p, r.cells(), r.objects());
            } else {
                code = Main.BAD_DATA;
                spec.commandLine().getErr().printf("%s: INVALID%n", p);
                for (String s : r.problems()) spec.commandLine().getErr().println("  - " + s);
            }
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return code;
    }
}
