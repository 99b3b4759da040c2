#!/usr/bin/python3
"""Independent end-to-end oracle for `convert earthcare`: reads the MSI L2A products with h5py, hashes every
geolocated pixel with healpy (exact closed-form authalic latitude, not the Java series), reads the store with
the independent numpy/numcodecs Zarr v3 reader (../zarr/read_v3.py), and checks, pixel by pixel, that the
pixel's cell is in cell_ids and that every variable holds the pixel's value bit for bit.

Usage: check_earthcare_store.py STORE PRODUCT.h5...     Prints 'OK <pixels> <variables>' or fails (exit 1).
Needs Debian python3-numpy python3-h5py python3-healpy python3-numcodecs."""
import json, os, sys
import h5py, healpy as hp, numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zarr"))
from read_v3 import read_array  # noqa: E402

A, INVF = 6378137.0, 298.257223563
F = 1 / INVF
E2 = F * (2 - F)
E = np.sqrt(E2)
FILL = 9.969209968386869e36


def q(phi):
    s = np.sin(phi)
    return (1 - E2) * (s / (1 - E2 * s * s) - np.log((1 - E * s) / (1 + E * s)) / (2 * E))


def ids_of(lon, lat):
    beta = np.degrees(np.arcsin(np.clip(q(np.radians(lat)) / q(np.pi / 2), -1, 1)))
    return hp.ang2pix(2 ** 29, np.asarray(lon) % 360.0, beta, nest=True, lonlat=True).astype(np.uint64)


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


store, files = sys.argv[1], sys.argv[2:]
tags = {"MSI_CM__2A": "cm", "MSI_COP_2A": "cop", "MSI_AOT_2A": "aot"}
data, lat, lon, time = {}, None, None, None
for f in files:
    tag = tags[os.path.basename(f)[9:19]]
    with h5py.File(f, "r") as h:
        sd = h["ScienceData"]
        for k, v in sd.items():
            if v.ndim == 2 and k not in ("latitude", "longitude"):
                data.setdefault(k, {})[tag] = v[()]
        lat, lon, time = sd["latitude"][()], sd["longitude"][()], sd["time"][()]
geo = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90)
rows, cols = np.nonzero(geo)
ids = ids_of(lon[geo], lat[geo])

cell_ids, _ = read_array(store, "cell_ids")
root = json.load(open(os.path.join(store, "zarr.json")))["attributes"]
facts = root["healpix_zarr"]
if len(cell_ids) != len(np.unique(ids)) or len(cell_ids) != geo.sum() - facts["collisions"]:
    fail("cells %d, distinct pixel cells %d, geolocated %d, collisions %d"
         % (len(cell_ids), len(np.unique(ids)), geo.sum(), facts["collisions"]))
pos = np.searchsorted(cell_ids, ids)
if not np.all(cell_ids[np.minimum(pos, len(cell_ids) - 1)] == ids):
    fail("some pixel cells are missing from cell_ids")
# keep-first: the pixel stored for a cell is the first in row-major order
first = np.full(len(cell_ids), -1)
order = np.arange(len(ids))
first[pos[::-1]] = order[::-1]
keep = first[pos] == order

checked = 0
for name, per in data.items():
    for tag, values in per.items():
        store_name = name if len(per) == 1 else tag + "_" + name
        arr, meta = read_array(store, store_name)
        src = values[geo]
        if src.dtype.kind == "f":
            src = np.where(src >= 9e36, np.asarray(FILL, dtype=src.dtype), src)
        if arr.dtype != src.dtype:
            fail("%s: dtype %s in the store, %s in the file" % (store_name, arr.dtype, src.dtype))
        got = arr[pos][keep].view("u%d" % arr.dtype.itemsize)
        want = src[keep].view("u%d" % src.dtype.itemsize)
        bad = np.nonzero(got != want)[0]
        if len(bad):
            i = bad[0]
            fail("%s: pixel (%d, %d) stored %r, file %r" % (store_name, rows[keep][i], cols[keep][i],
                                                             arr[pos][keep][i], src[keep][i]))
        checked += 1
t, _ = read_array(store, "time")
if not np.array_equal(t[pos][keep], time[rows][keep]):
    fail("time differs from the per-row time of the file")
cot, cth = data["cloud_optical_thickness"]["cop"][geo], data["cloud_top_height"]["cop"][geo]
isccp = np.full(len(ids), -127, dtype=np.int8)
ok = (cot < 9e36) & (cth < 9e36)
isccp[(cot < 9e36) & (cot >= 0) & (cot < 0.01)] = 0
for lo, hi, base in ((100, 3200, 1), (3200, 6500, 2), (6500, 19300, 3)):
    h = ok & (cth >= lo) & (cth < hi)
    isccp[h & (cot >= 0.01) & (cot < 3.6)] = base
    isccp[h & (cot >= 3.6) & (cot < 23)] = base + 3
    isccp[h & (cot >= 23)] = base + 6
got, _ = read_array(store, "isccp_cloud_type")
if not np.array_equal(got[pos][keep], isccp[keep]):
    i = np.nonzero(got[pos][keep] != isccp[keep])[0][0]
    fail("isccp_cloud_type: pixel %d stored %d, expected %d (cot %r, cth %r)"
         % (i, got[pos][keep][i], isccp[keep][i], cot[keep][i], cth[keep][i]))
print("OK %d %d" % (geo.sum(), checked + 2))
