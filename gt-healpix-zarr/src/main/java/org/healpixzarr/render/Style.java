package org.healpixzarr.render;

/**
 * How one layer is drawn: a colour map over a value range (quantities), a fixed palette (classes, bit fields), or
 * a false-colour composite (the PCA view of embeddings). Immutable.
 *
 * <p>CONTRACT (issue 5): implemented by the render work; used by the CLI and the OGC service (WMS STYLES names are
 * {@link #name()}).
 *
 * @param name        style name, unique per variable (e.g. {@code "viridis"}, {@code "classes"}, {@code "pca"})
 * @param title       human-readable title
 * @param variable    the variable drawn
 * @param band        band of the variable drawn (0 for single-band variables; ignored by {@code pca})
 * @param min         lower end of the colour map in the variable's units (NaN for palettes)
 * @param max         upper end of the colour map (NaN for palettes)
 */
public record Style(String name, String title, String variable, int band, double min, double max) {}
