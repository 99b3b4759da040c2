package org.healpixzarr.cli;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hash}: lon/lat pairs on stdin to nested HEALPix ids on stdout. */
@Command(name = "hash", mixinStandardHelpOptions = true,
        description = {"Reads 'lon lat' pairs (degrees, whitespace separated, one per line) on stdin and prints the "
                + "nested HEALPix id of each, one per line. Blank lines and lines starting with # are skipped.",
                "A line that is not two numbers, or a latitude outside [-90, 90], is an error naming the line (exit 1)."})
final class HashCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--depth", defaultValue = "29", description = "Depth 0..29 (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--ellipsoid", defaultValue = "WGS84", description = "WGS84 or sphere (default ${DEFAULT-VALUE}).")
    String ellipsoid;

    @Override
    public Integer call() throws Exception {
        HealpixGrid grid;
        try {
            grid = HealpixGrid.of(Ellipsoid.parse(ellipsoid), depth);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(main.stdin, StandardCharsets.UTF_8), 1 << 16);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        try {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                String[] f = t.split("\\s+");
                double lon, lat;
                try {
                    if (f.length != 2) throw new NumberFormatException();
                    lon = Double.parseDouble(f[0]);
                    lat = Double.parseDouble(f[1]);
                } catch (NumberFormatException e) {
                    throw bad(n, line, "two numbers 'lon lat'");
                }
                long id = grid.hash(lon, lat);
                if (id < 0) throw bad(n, line, "a finite longitude and a latitude in [-90, 90]");
                out.write(Long.toString(id));
                out.write('\n');
            }
        } finally {
            out.flush();
        }
        return Main.OK;
    }

    private static DataException bad(long n, String line, String expected) {
        return new FormatException(DataException.describe("stdin line " + n, "bad input line", expected,
                "'" + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'", null));
    }
}
