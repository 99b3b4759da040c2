package org.healpixzarr.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Legend images: a vertical colour bar with five labelled ticks and the units, the classes of a palette with
 * their colours, or the three PCA channels. White background, dark text (Java2D, headless). Stateless.
 */
final class Legend {
    static final int PAD = 6, BAR_W = 18, BAR_H = 160, SWATCH = 14, LINE = 18;
    private static final Color TEXT = new Color(0x222222);

    private Legend() {}

    static BufferedImage draw(Look look) {
        return switch (look.kind) {
            case COLOR_MAP -> colourBar(look);
            case PALETTE -> classes(look);
            case PCA -> pca(look);
        };
    }

    private static String title(Look look) {
        String ln = look.info.longName();
        String what = ln != null && ln.length() <= 32 ? ln : look.info.name(); // long names make wide legends
        if (look.info.bands() > 1 && look.kind == Look.Kind.COLOR_MAP) what += " (band " + look.style.band() + ")";
        return what;
    }

    private static BufferedImage colourBar(Look look) {
        String title = title(look);
        String units = Styles.unitsLabel(look.info.units());
        double min = look.min(), max = look.max();
        double[] at = ticks(min, max);
        String[] ticks = new String[at.length];
        for (int i = 0; i < at.length; i++) ticks[i] = format(at[i]);
        Font f = font(Font.PLAIN), bold = font(Font.BOLD);
        FontMetrics fm = metrics(f), bm = metrics(bold);
        int labelW = 0;
        for (String t : ticks) labelW = Math.max(labelW, fm.stringWidth(t));
        int titleH = LINE + (units.isEmpty() ? 0 : LINE);
        int w = Math.max(PAD * 2 + BAR_W + 6 + labelW, PAD * 2 + Math.max(bm.stringWidth(title), fm.stringWidth(units)));
        int h = PAD + titleH + 6 + BAR_H + fm.getAscent() / 2 + PAD + 2;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = graphics(img);
        int y = PAD + bm.getAscent();
        g.setFont(bold);
        g.drawString(title, PAD, y);
        g.setFont(f);
        if (!units.isEmpty()) g.drawString(units, PAD, y + LINE);
        int top = PAD + titleH + 6;
        for (int r = 0; r < BAR_H; r++) { // high values at the top
            g.setColor(new Color(look.colorMap.argb(1 - (r + 0.5) / BAR_H), true));
            g.fillRect(PAD, top + r, BAR_W, 1);
        }
        g.setColor(TEXT);
        g.setStroke(new BasicStroke(1));
        g.drawRect(PAD, top, BAR_W - 1, BAR_H - 1);
        for (int i = 0; i < at.length; i++) {
            int ty = top + BAR_H - 1 - (int) Math.round((BAR_H - 1) * (at[i] - min) / (max - min));
            g.drawLine(PAD + BAR_W, ty, PAD + BAR_W + 3, ty);
            g.drawString(ticks[i], PAD + BAR_W + 6, ty + fm.getAscent() / 2 - 1);
        }
        g.dispose();
        return img;
    }

    private static BufferedImage classes(Look look) {
        List<Palette.Entry> entries = new ArrayList<>(look.palette.entries());
        if (look.palette.otherLabel() != null && !entries.isEmpty()) {
            entries.add(new Palette.Entry(Long.MIN_VALUE, Palette.OTHER, look.palette.otherLabel()));
        }
        List<String> labels = new ArrayList<>();
        for (Palette.Entry e : entries) {
            boolean named = !e.label().startsWith(Long.toString(e.code())) && e.code() != Long.MIN_VALUE;
            boolean anyBit = look.style.name().equalsIgnoreCase("any");
            labels.add(named && !anyBit ? e.code() + "  " + e.label() : e.label());
        }
        return swatches(title(look), entries.stream().mapToInt(Palette.Entry::argb).toArray(), labels);
    }

    private static BufferedImage pca(Look look) {
        List<String> labels = new ArrayList<>();
        String[] ch = {"R", "G", "B"};
        for (int k = 0; k < 3; k++) {
            labels.add(String.format(Locale.ROOT, "%s: component %d, %s to %s", ch[k], k + 1,
                    format(look.pca.range[k][0]), format(look.pca.range[k][1])));
        }
        return swatches(title(look) + ", PCA", new int[] {0xFFE03030, 0xFF30B030, 0xFF3050E0}, labels);
    }

    private static BufferedImage swatches(String title, int[] argb, List<String> labels) {
        Font f = font(Font.PLAIN), bold = font(Font.BOLD);
        FontMetrics fm = metrics(f), bm = metrics(bold);
        int w = PAD * 2 + bm.stringWidth(title);
        for (String l : labels) w = Math.max(w, PAD * 2 + SWATCH + 6 + fm.stringWidth(l));
        int h = PAD * 2 + LINE * (1 + labels.size()) + 4;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = graphics(img);
        g.setFont(bold);
        g.drawString(title, PAD, PAD + bm.getAscent());
        g.setFont(f);
        for (int i = 0; i < labels.size(); i++) {
            int y = PAD + LINE * (i + 1) + 4;
            g.setColor(new Color(argb[i], true));
            g.fillRect(PAD, y, SWATCH, SWATCH);
            g.setColor(TEXT);
            g.drawRect(PAD, y, SWATCH - 1, SWATCH - 1);
            g.drawString(labels.get(i), PAD + SWATCH + 6, y + SWATCH / 2 + fm.getAscent() / 2 - 1);
        }
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(TEXT);
        return g;
    }

    private static Font font(int style) {
        return new Font(Font.SANS_SERIF, style, 12);
    }

    private static FontMetrics metrics(Font f) {
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = one.createGraphics();
        try {
            return g.getFontMetrics(f);
        } finally {
            g.dispose();
        }
    }

    /**
     * Tick values for a bar over [min, max]: multiples of a round step (1, 2, 2.5 or 5 × 10^k) giving 3 to 6
     * ticks; the two ends if the range is degenerate.
     */
    static double[] ticks(double min, double max) {
        if (!(max > min) || !Double.isFinite(max - min)) return new double[] {min};
        double raw = (max - min) / 4, mag = Math.pow(10, Math.floor(Math.log10(raw))), step = 10 * mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        List<Double> t = new ArrayList<>();
        for (long k = (long) Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) t.add(k * step);
        if (t.size() < 2) return new double[] {min, max};
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A number for a label: 4 significant digits, no trailing zeros, plain notation between 1e-4 and 1e7. */
    static String format(double v) {
        if (Double.isNaN(v)) return "?";
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a < 1e-4 || a >= 1e7) return String.format(Locale.ROOT, "%.3e", v).replaceAll("\\.?0+e", "e");
        BigDecimal d = new BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros();
        return d.toPlainString();
    }
}
