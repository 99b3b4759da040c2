/**
 * The server's catalogue: workspaces, coverage stores (a DGGS-Zarr store, or a folder / STAC catalogue of stores served
 * as one mosaic), layers; persisted in the data folder, store paths confined to the allowed roots
 * ({@link org.healpixzarr.server.catalog.PathGuard}). The OGC services see it as a
 * {@link org.healpixzarr.server.catalog.LayerResolver}.
 */
package org.healpixzarr.server.catalog;
