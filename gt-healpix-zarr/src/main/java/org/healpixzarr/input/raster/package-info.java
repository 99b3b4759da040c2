/**
 * Georeferenced rasters (GeoTIFF through Apache SIS): {@link org.healpixzarr.input.raster.RasterFile} gives the
 * bands, their no-data values and the pixel-centre coordinates in CRS:84, by blocks of rows.
 */
package org.healpixzarr.input.raster;
