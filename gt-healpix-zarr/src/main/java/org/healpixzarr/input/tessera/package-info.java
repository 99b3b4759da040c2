/**
 * Readers of TESSERA embedding tiles in the geotessera on-disk layout: NPY arrays ({@link
 * org.healpixzarr.input.tessera.NpyFile}), tile names ({@link org.healpixzarr.input.tessera.TileName}), the
 * uint8 landmask GeoTIFF ({@link org.healpixzarr.input.tessera.Landmask}), the tile's UTM pixel grid ({@link
 * org.healpixzarr.input.tessera.TileGrid}) and one tile with all its parts checked ({@link
 * org.healpixzarr.input.tessera.TesseraTile}).
 */
package org.healpixzarr.input.tessera;
