/**
 * healpix-zarr: Earth-observation pixels to depth-29 WGS84 HEALPix cells stored as DGGS-Zarr.
 * This package holds the exception root shared by every layer; the layers are the sub-packages
 * {@code healpix} (maths), {@code zarr} (Zarr v3/v2 storage), {@code dggs} (the DGGS-Zarr format),
 * {@code input.*} (readers of source products), {@code convert} (pipelines) and {@code cli}.
 */
package org.healpixzarr;
