/**
 * The healpix-zarr HTTP server (Jetty 12 core handlers, no servlet API): {@link org.healpixzarr.server.HealpixZarrServer}
 * routes {@code /ows}, {@code /wms}, {@code /wcs} to the OGC services ({@link org.healpixzarr.server.ows.OwsService},
 * found with ServiceLoader), {@code /rest} to the admin REST API, {@code /admin/} and {@code /} to the admin and map
 * pages; the {@code serve} and {@code demo} commands are added to the CLI through
 * {@link org.healpixzarr.cli.CliExtension}.
 */
package org.healpixzarr.server;
