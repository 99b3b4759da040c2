#!/usr/bin/python3
"""Zarr v2 oracle: reads an array with Debian's zarr-python 2.x (and optionally xarray).

Usage: read_v2.py STORE_ROOT ARRAY_PATH [xarray]
Prints "<dtype> <shape>" then the raw bits of each element as an unsigned integer, one per line.
With "xarray", opens the store with xarray.open_zarr (no CF decoding) and prints the variable.
"""
import sys

import numpy as np
import zarr


def main():
    root, path = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3 and sys.argv[3] == "xarray":
        import xarray as xr
        ds = xr.open_zarr(root, consolidated=False, mask_and_scale=False, decode_times=False)
        values = ds[path].values
        dims = ",".join(ds[path].dims)
        sys.stdout.write("dims %s\n" % dims)
    else:
        arr = zarr.open_array(zarr.storage.DirectoryStore(root), path=path, mode="r")
        values = arr[...]
    values = np.ascontiguousarray(values)
    sys.stdout.write("%s %s\n" % (values.dtype.str, ",".join(str(s) for s in values.shape)))
    bits = values.reshape(-1).view("u%d" % values.dtype.itemsize)
    sys.stdout.write("\n".join(str(int(v)) for v in bits.tolist()))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
