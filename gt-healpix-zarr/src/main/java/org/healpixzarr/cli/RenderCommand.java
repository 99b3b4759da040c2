package org.healpixzarr.cli;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.render.Renderer;
import org.healpixzarr.render.Style;
import org.healpixzarr.render.Styles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code render STORE --var V ... -o out.png}: a PNG map of one variable. */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draws one variable of a store as a PNG map: a colour map for quantities, the class palette "
                + "for classes and bit fields, PCA false colour for embeddings. Pixels without data are transparent "
                + "(or --background).",
                "Styles: quantities viridis (default), magma, inferno, plasma, cividis, greys; classes 'classes'; "
                        + "bit fields 'values', 'any'; embeddings 'pca', 'band<N>', '<map>:band<N>'."})
final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MapRequest map;

    @Option(names = "--style", paramLabel = "STYLE", description = "Style name (default: the variable's first style).")
    String style;

    @Option(names = "--range", paramLabel = "LO,HI", description = "Colour map range in the variable's units "
            + "(default: valid_min/valid_max, valid_range or actual_range, else the 2nd-98th percentiles of the data).")
    String range;

    @Option(names = "--legend", description = "Draw the legend over the bottom-right corner.")
    boolean legend;

    @Option(names = "--background", paramLabel = "#RRGGBB", description = "Colour of pixels without data "
            + "(default: transparent).")
    String background;

    @Override
    public Integer call() throws Exception {
        Color bg = background == null ? null : parseColour(background);
        double[] r = range == null ? null : parseRange(range);
        try (DggsStore s = DggsStore.open(map.store)) {
            s.variable(map.variable);
            Style st = Styles.find(s, map.variable, style);
            if (r != null) {
                if (Double.isNaN(st.min())) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--range: style '" + st.name()
                            + "' of " + map.variable + " is a palette, not a colour map; drop --range");
                }
                st = new Style(st.name(), st.title(), st.variable(), st.band(), r[0], r[1]);
            }
            MapRequest.Grid g = map.grid(s);
            CellSampler sampler = CellSampler.of(s);
            BufferedImage img = Renderer.render(sampler, g.grid(), st, bg);
            if (legend) img = Renderer.withLegend(img, Renderer.legend(sampler, st));
            BufferedImage out = img;
            MapRequest.writeAtomically(map.output, o -> {
                if (!ImageIO.write(out, "png", o)) throw new java.io.IOException("no PNG writer in this Java runtime");
            });
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %d x %d px, %s, box %s (lon/lat), style %s%s%n",
                    map.output, g.width(), g.height(), map.crs, MapRequest.fmt(g.lonLatBox()), st.name(),
                    Double.isNaN(st.min()) ? "" : " " + MapRequest.num(st.min()) + " to " + MapRequest.num(st.max()));
        }
        return Main.OK;
    }

    private Color parseColour(String s) {
        String h = s.startsWith("#") ? s.substring(1) : s;
        if (h.matches("[0-9a-fA-F]{6}")) return new Color(Integer.parseInt(h, 16));
        if (h.matches("[0-9a-fA-F]{8}")) return new Color((int) Long.parseLong(h, 16), true); // #AARRGGBB
        throw new CommandLine.ParameterException(spec.commandLine(), "--background: expected #RRGGBB or #AARRGGBB, found '" + s + "'");
    }

    private double[] parseRange(String s) {
        String[] f = s.split(",");
        try {
            if (f.length == 2) {
                double lo = Double.parseDouble(f[0].trim()), hi = Double.parseDouble(f[1].trim());
                if (Double.isFinite(lo) && Double.isFinite(hi) && hi > lo) return new double[] {lo, hi};
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--range: expected LO,HI with LO < HI, found '" + s + "'");
    }
}
