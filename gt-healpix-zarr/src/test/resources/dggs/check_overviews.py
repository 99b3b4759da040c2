#!/usr/bin/python3
"""Independent oracle for the overview pyramid: reads a store with the numpy/numcodecs Zarr v3 reader
(../zarr/read_v3.py, not the Java code), recomputes from the depth-29 cells, for every level listed in
healpix_zarr.overview_depths, the level's cell ids (distinct parents), the count of cells under each, the mean of
every 'mean' variable (fill values and NaN excluded) and the bitwise OR of every 'or' variable, and compares them
with the stored level arrays.

Usage: check_overviews.py STORE     Prints 'OK levels <n> variables <m>' or 'FAIL ...' (exit 1).
Needs Debian python3-numpy python3-numcodecs."""
import json, os, sys
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zarr"))
from read_v3 import read_array  # noqa: E402


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


store = sys.argv[1]
with open(os.path.join(store, "zarr.json"), encoding="utf-8") as fh:
    attrs = json.load(fh)["attributes"]
facts = attrs["healpix_zarr"]
depth = attrs["dggs"]["refinement_level"]
ids, _ = read_array(store, "cell_ids")
ids = ids.astype(np.uint64)
checked = set()
levels = facts["overview_depths"]
if not levels:
    fail("no overview levels")
for d in levels:
    base = os.path.join(store, "overviews", str(d))
    with open(os.path.join(base, "zarr.json"), encoding="utf-8") as fh:
        lattrs = json.load(fh)["attributes"]
    if lattrs["dggs"]["refinement_level"] != d:
        fail("level %d: refinement_level %s" % (d, lattrs["dggs"]["refinement_level"]))
    parents = ids >> np.uint64(2 * (depth - d))
    uniq, start, counts = np.unique(parents, return_index=True, return_counts=True)
    lids, _ = read_array(base, "cell_ids")
    if not np.array_equal(uniq, lids.astype(np.uint64)):
        fail("level %d: cell_ids differ from the distinct parents" % d)
    lcount, _ = read_array(base, "count")
    if lcount.dtype != np.uint32 or not np.array_equal(lcount.astype(np.int64), counts):
        fail("level %d: count differs" % d)
    # rows are sorted by id, so each parent's rows are contiguous from 'start'
    for name, spec in lattrs["healpix_zarr"]["variables"].items():
        agg = spec["aggregation"]
        if agg not in ("mean", "or"):
            continue
        values, meta = read_array(store, name)
        fill = meta["attributes"].get("_FillValue")
        level, lmeta = read_array(base, name)
        if agg == "mean":
            v = values.astype(np.float64)
            valid = ~np.isnan(v)
            if fill is not None and fill != "NaN":
                valid &= values != np.array(fill, dtype=values.dtype)
            s = np.add.reduceat(np.where(valid, v, 0.0), start)
            n = np.add.reduceat(valid.astype(np.int64), start)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(n > 0, s / np.maximum(n, 1), np.nan)
            expected = mean.astype(level.dtype)
            # the store sums per cell then per level (exact state, other order): a few ulps of float64 apart
            tol = np.maximum(np.spacing(np.abs(expected).astype(level.dtype)) * 2, np.abs(mean) * 1e-13)
            same = (np.isnan(expected) & np.isnan(level)) | (np.abs(expected - level) <= tol)
            if not same.all():
                k = int(np.argmin(same))
                fail("level %d %s: cell %d mean %r, stored %r" % (d, name, int(lids[k]), expected[k], level[k]))
        else:
            u = values.view("u%d" % values.dtype.itemsize).astype(np.uint64)
            valid = np.ones(len(u), bool) if fill is None else values != np.array(fill, dtype=values.dtype)
            o = np.bitwise_or.reduceat(np.where(valid, u, 0), start)
            anyv = np.logical_or.reduceat(valid, start)
            fbits = np.array(lmeta["fill_value"], dtype=values.dtype).view("u%d" % values.dtype.itemsize).astype(np.uint64)
            expected = np.where(anyv, o, fbits)
            got = level.view("u%d" % level.dtype.itemsize).astype(np.uint64)
            if not np.array_equal(expected, got):
                k = int(np.argmax(expected != got))
                fail("level %d %s: cell %d OR %d, stored %d" % (d, name, int(lids[k]), expected[k], got[k]))
        checked.add(name)
print("OK levels %d variables %d" % (len(levels), len(checked)))
