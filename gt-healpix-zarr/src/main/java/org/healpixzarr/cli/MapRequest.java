package org.healpixzarr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.apache.sis.geometry.Envelopes;
import org.apache.sis.geometry.GeneralEnvelope;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.coverage.Crs;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.DggsStore;
import org.opengis.geometry.Envelope;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.cs.AxisDirection;
import org.opengis.util.FactoryException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The map options shared by {@code render} and {@code export}: store, variable, lon/lat box, CRS, size, output.
 * Turns them into a {@link TargetGrid}.
 */
final class MapRequest {
    /** Longest side of the default image, pixels. */
    static final int DEFAULT_SIZE = 1024;
    /** Largest side accepted, pixels. */
    static final int MAX_SIDE = 16_384;
    /** Largest image accepted, pixels. */
    static final long MAX_PIXELS = 64L << 20;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Parameters(paramLabel = "STORE", index = "0", description = "Store folder (*.zarr).")
    Path store;

    @Option(names = "--var", required = true, paramLabel = "VARIABLE", description = "Variable to draw (see 'info STORE').")
    String variable;

    @Option(names = "--bbox", paramLabel = "W,S,E,N",
            description = "Box in longitude/latitude degrees (W > E crosses the antimeridian), converted to the CRS. "
                    + "Default: the store's bounding box.")
    String bbox;

    @Option(names = "--crs", paramLabel = "CRS", defaultValue = "CRS:84",
            description = "Output CRS: CRS:84 (default), EPSG:4326, EPSG:3857 or a WGS 84 UTM zone EPSG:326zz/327zz "
                    + "(URN and URL forms accepted).")
    String crs;

    @Option(names = "--size", paramLabel = "WxH",
            description = "Image size in pixels, WxH, or W alone (H keeps the box's aspect ratio in the CRS). "
                    + "Default: the longer side " + DEFAULT_SIZE + " px, the other keeping the aspect ratio.")
    String size;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Output file.")
    Path output;

    /** The resolved request. */
    record Grid(TargetGrid grid, CoordinateReferenceSystem crs, double[] lonLatBox, double[] crsBox, int width, int height) {}

    /** Parses and checks the options against the open store. */
    Grid grid(DggsStore s) throws DataException {
        double[] ll = bbox == null ? s.bbox() : parseBox(bbox);
        if (ll == null) {
            throw new FormatException(DataException.describe(s.name(), "empty store, no bounding box", "cells", "none",
                    "give --bbox"));
        }
        CoordinateReferenceSystem c = Crs.decode(crs);
        double west = ll[0], east = ll[2] <= ll[0] ? ll[2] + 360 : ll[2];
        double[] box = toCrs(c, west, ll[1], east, ll[3]);
        int e = eastAxis(c), n = 1 - e;
        double spanX = box[2 + e] - box[e], spanY = box[2 + n] - box[n];
        if (!(spanX > 0) || !(spanY > 0) || !Double.isFinite(spanX) || !Double.isFinite(spanY)) {
            throw new FormatException(DataException.describe("--bbox " + fmt(ll), "box empty or not representable in " + crs,
                    "a box with an area", String.format(Locale.ROOT, "%g x %g CRS units", spanX, spanY), null));
        }
        int[] wh = parseSize(size, spanX / spanY);
        return new Grid(TargetGrid.of(c, box, wh[0], wh[1]), c, ll, box, wh[0], wh[1]);
    }

    /** Index of the CRS axis pointing east or west (0 or 1). */
    static int eastAxis(CoordinateReferenceSystem c) {
        AxisDirection d = c.getCoordinateSystem().getAxis(1).getDirection();
        return d == AxisDirection.EAST || d == AxisDirection.WEST ? 1 : 0;
    }

    /** The lon/lat box in the CRS, as {min axis0, min axis1, max axis0, max axis1}. */
    static double[] toCrs(CoordinateReferenceSystem c, double west, double south, double east, double north)
            throws DataException {
        if (c instanceof GeographicCRS) { // same datum (WGS 84): only the axis order changes
            return eastAxis(c) == 0 ? new double[] {west, south, east, north} : new double[] {south, west, north, east};
        }
        try {
            GeneralEnvelope env = new GeneralEnvelope(CommonCRS.defaultGeographic());
            env.setRange(0, west, east);
            env.setRange(1, south, north);
            Envelope t = Envelopes.transform(CRS.findOperation(CommonCRS.defaultGeographic(), c, null), env);
            return new double[] {t.getMinimum(0), t.getMinimum(1), t.getMaximum(0), t.getMaximum(1)};
        } catch (org.opengis.referencing.operation.TransformException | FactoryException e) {
            throw new DataException(DataException.describe("--bbox", "cannot be converted to the CRS", null, null,
                    e.getMessage()), e);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    double[] parseBox(String s) {
        String[] f = s.split(",");
        double[] b = new double[4];
        try {
            if (f.length != 4) throw new NumberFormatException();
            for (int i = 0; i < 4; i++) b[i] = Double.parseDouble(f[i].trim());
        } catch (NumberFormatException e) {
            throw usage("--bbox: expected W,S,E,N (4 numbers, degrees), found '" + s + "'");
        }
        for (double x : b) if (!Double.isFinite(x)) throw usage("--bbox: expected finite numbers, found '" + s + "'");
        if (b[1] < -90 || b[3] > 90 || b[1] >= b[3]) {
            throw usage("--bbox: expected -90 <= S < N <= 90, found S=" + b[1] + " N=" + b[3]);
        }
        if (b[0] < -180 || b[0] > 360 || b[2] < -180 || b[2] > 360 || b[0] == b[2]) {
            throw usage("--bbox: expected W and E in [-180, 360], W != E (W > E crosses the antimeridian), found W="
                    + b[0] + " E=" + b[2]);
        }
        return b;
    }

    /** Width and height from the option, or the default for the aspect ratio width/height. */
    int[] parseSize(String s, double aspect) {
        int w, h;
        if (s == null) {
            if (aspect >= 1) {
                w = DEFAULT_SIZE;
                h = (int) Math.max(1, Math.round(DEFAULT_SIZE / aspect));
            } else {
                h = DEFAULT_SIZE;
                w = (int) Math.max(1, Math.round(DEFAULT_SIZE * aspect));
            }
        } else {
            String[] f = s.toLowerCase(Locale.ROOT).split("x", -1);
            try {
                if (f.length == 1) {
                    w = Integer.parseInt(f[0].trim());
                    h = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(w / aspect)));
                } else if (f.length == 2) {
                    w = Integer.parseInt(f[0].trim());
                    h = Integer.parseInt(f[1].trim());
                } else {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw usage("--size: expected WxH or W (pixels), found '" + s + "'");
            }
        }
        if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
            throw usage("--size: expected 1.." + MAX_SIDE + " pixels a side and at most " + MAX_PIXELS + " pixels, found "
                    + w + "x" + h);
        }
        return new int[] {w, h};
    }

    static String fmt(double[] b) {
        return num(b[0]) + "," + num(b[1]) + "," + num(b[2]) + "," + num(b[3]);
    }

    /** A number with at most 7 significant digits, no trailing zeros. */
    static String num(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        if (v == 0) return "0";
        return new java.math.BigDecimal(v).round(new java.math.MathContext(7)).stripTrailingZeros().toPlainString();
    }

    /** Writes through a temporary file next to {@code out}, moved into place when complete. */
    interface Writer {
        void write(java.io.OutputStream out) throws IOException, DataException;
    }

    static void writeAtomically(Path out, Writer w) throws IOException, DataException {
        Path abs = out.toAbsolutePath();
        Path parent = abs.getParent();
        if (parent != null) Files.createDirectories(parent);
        // not Files.createTempFile: its owner-only permissions would stay on the result
        Path tmp = parent.resolve("." + abs.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (var o = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                w.write(o);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
