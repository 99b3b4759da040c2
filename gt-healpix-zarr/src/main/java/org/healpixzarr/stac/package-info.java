/**
 * Static STAC 1.0.0 catalogues of DGGS-Zarr stores: {@link org.healpixzarr.stac.StacCatalog#rebuild} scans a
 * folder and writes catalog.json, one collection per dataset and one item per store (docs/format.md, "STAC
 * catalogue").
 */
package org.healpixzarr.stac;
