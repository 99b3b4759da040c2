#!/usr/bin/python3
"""Independent oracle for `convert raster`: reads the GeoTIFF with GDAL (osgeo), computes every pixel centre from
the geotransform, transforms it to WGS84 longitude/latitude with GDAL/PROJ (osr), hashes it with healpy (exact
closed-form authalic latitude, not the Java series), reads the store with the numpy/numcodecs Zarr v3 reader
(../zarr/read_v3.py) and checks, pixel by pixel, that every pixel with a value is in its cell with every band's
value bit for bit, and that the pixels whose bands are all no-data are the ones skipped.

Usage: check_raster_store.py STORE TIFF     Prints 'OK <pixels kept> <pixels no-data>' or 'FAIL ...' (exit 1).
Needs Debian python3-numpy python3-gdal python3-healpy python3-numcodecs."""
import json, os, sys
import healpy as hp
import numpy as np
from osgeo import gdal, osr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zarr"))
from read_v3 import read_array  # noqa: E402

A, INVF = 6378137.0, 298.257223563
F = 1 / INVF
E2 = F * (2 - F)
E = np.sqrt(E2)


def q(phi):
    s = np.sin(phi)
    return (1 - E2) * (s / (1 - E2 * s * s) - np.log((1 - E * s) / (1 + E * s)) / (2 * E))


def ids_of(lon, lat):
    beta = np.degrees(np.arcsin(np.clip(q(np.radians(lat)) / q(np.pi / 2), -1, 1)))
    return hp.ang2pix(2 ** 29, np.asarray(lon) % 360.0, beta, nest=True, lonlat=True).astype(np.uint64)


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


store, tiff = sys.argv[1], sys.argv[2]
ds = gdal.Open(tiff)
w, h, nb = ds.RasterXSize, ds.RasterYSize, ds.RasterCount
gt = ds.GetGeoTransform()
src = osr.SpatialReference(wkt=ds.GetProjection())
src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
dst = osr.SpatialReference()
dst.ImportFromEPSG(4326)
dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
tr = osr.CoordinateTransformation(src, dst)
jj, ii = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
x = gt[0] + jj * gt[1] + ii * gt[2]
y = gt[3] + jj * gt[4] + ii * gt[5]
pts = np.array(tr.TransformPoints(np.column_stack([x.ravel(), y.ravel()]).tolist()))
lon, lat = pts[:, 0], pts[:, 1]
bands = [ds.GetRasterBand(b + 1) for b in range(nb)]
arrays = [b.ReadAsArray().ravel() for b in bands]
valid = np.zeros(w * h, bool)
for b, a in zip(bands, arrays):
    nd = b.GetNoDataValue()
    v = ~np.isnan(a) if a.dtype.kind == "f" else np.ones(a.shape, bool)
    if nd is not None:
        v &= a != np.array(nd).astype(a.dtype)
    valid |= v
ids = ids_of(lon, lat)
cells, _ = read_array(store, "cell_ids")
with open(os.path.join(store, "zarr.json"), encoding="utf-8") as fh:
    facts = json.load(fh)["attributes"]["healpix_zarr"]
if facts["pixels_nodata"] != int((~valid).sum()):
    fail("pixels_nodata %s, expected %d" % (facts["pixels_nodata"], (~valid).sum()))
kept = ids[valid]
if len(np.unique(kept)) != len(kept):
    fail("the test raster has two pixels in one cell")
if len(cells) != len(kept):
    fail("%d cells, expected %d pixels" % (len(cells), len(kept)))
pos = np.searchsorted(cells, kept)
if not np.array_equal(cells[np.minimum(pos, len(cells) - 1)], kept):
    fail("a pixel's cell is missing from cell_ids")
names = sorted(k for k in facts["variables"])
for k, (b, a) in enumerate(zip(bands, arrays)):
    desc = b.GetDescription()
    name = desc if desc else "band_%d" % (k + 1)
    stored, meta = read_array(store, name)
    if stored.dtype != a.dtype:
        fail("%s: dtype %s, GDAL %s" % (name, stored.dtype, a.dtype))
    got = stored[pos].view("u%d" % a.dtype.itemsize)
    exp = a[valid].view("u%d" % a.dtype.itemsize)
    if a.dtype.kind == "f":
        nd = b.GetNoDataValue()
        nan = np.isnan(a[valid]) | (False if nd is None else a[valid] == np.array(nd).astype(a.dtype))  # SIS: no-data -> NaN
        if not (np.array_equal(got[~nan], exp[~nan]) and np.isnan(stored[pos][nan]).all()):
            fail(name + ": values differ")
    elif not np.array_equal(got, exp):
        fail(name + ": values differ")
print("OK %d %d" % (len(kept), int((~valid).sum())))
