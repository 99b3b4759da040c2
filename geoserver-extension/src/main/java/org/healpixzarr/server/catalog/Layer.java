package org.healpixzarr.server.catalog;

import java.util.List;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.render.Style;

/**
 * A published layer: one variable of one coverage store (or of a mosaic of stores), with its styles. Immutable;
 * the sampler is thread-safe.
 *
 * @param name      qualified name {@code workspace:layer}; plain {@code layer} in the layers of a workspace's virtual
 *                  endpoint ({@link Catalog#workspaceLayers})
 * @param title     human-readable title
 * @param samplers  one sampler per store of the coverage store (a mosaic has several; values come from the first
 *                  store that has a cell)
 * @param variable  the variable drawn
 * @param styles    available styles, the default first
 * @param bbox      {west, south, east, north} in degrees (west &gt; east across the antimeridian)
 * @param times     ISO-8601 time extent values, empty if the layer has no time dimension
 */
public record Layer(String name, String title, List<CellSampler> samplers, String variable, List<Style> styles,
                    double[] bbox, List<String> times) {}
