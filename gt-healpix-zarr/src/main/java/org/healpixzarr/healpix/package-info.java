/**
 * HEALPix maths: nested cell ids at depths 0..29 on the authalic sphere of WGS84 (or a sphere).
 * {@link org.healpixzarr.healpix.HealpixGrid} hashes lon/lat (degrees) to ids and back (centres,
 * vertices), finds neighbours and covers lon/lat boxes with {@link org.healpixzarr.healpix.RangeSet}s;
 * {@link org.healpixzarr.healpix.Ellipsoid} holds the geodetic/authalic latitude conversion
 * (Karney 2023 series). All public types are immutable and thread-safe (except RangeSet.Builder).
 */
package org.healpixzarr.healpix;
