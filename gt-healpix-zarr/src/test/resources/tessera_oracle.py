#!/usr/bin/python3
"""Independent oracle for the TESSERA conversion tests: numpy + pyproj + GDAL, not the Java code.

  tessera_oracle.py ROOT YEAR

For each tile (sorted): a line "T name rows cols outside_tile water invalid_scale", then for every pixel a line
"P i j lon lat cat" (cat: O outside tile, W water, S invalid scale, K kept) and, for kept pixels,
"V i j <128 int8 as hex bytes> <float32 scale bits as hex>".
"""
import math, os, sys
import numpy as np
from pyproj import Transformer
from osgeo import gdal

root, year = sys.argv[1], sys.argv[2]
rep = os.path.join(root, "global_0.1_degree_representation", year)
out = sys.stdout
for name in sorted(os.listdir(rep)):
    _, lon_s, lat_s = name.split("_")
    lon, lat = float(lon_s), float(lat_s)
    emb = np.load(os.path.join(rep, name, name + ".npy"))
    sc = np.load(os.path.join(rep, name, name + "_scales.npy"))
    ds = gdal.Open(os.path.join(root, "global_0.1_degree_tiff_all", name + ".tiff"))
    land = ds.GetRasterBand(1).ReadAsArray()
    oe, px, _, on, _, py = ds.GetGeoTransform()
    zone = int(math.floor((lon + 180) / 6)) + 1
    epsg = (32600 if lat >= 0 else 32700) + zone
    tr = Transformer.from_crs(epsg, 4326, always_xy=True)
    h, w = sc.shape
    jj, ii = np.meshgrid(np.arange(w), np.arange(h))
    e = oe + (jj + 0.5) * px
    n = on + (ii + 0.5) * py
    plon, plat = tr.transform(e, n)
    inside = (plon >= lon - .05) & (plon < lon + .05) & (plat >= lat - .05) & (plat < lat + .05)
    water = inside & (land == 0)
    bad = inside & ~water & ~(np.isfinite(sc) & (sc > 0) & (sc < 1))
    kept = inside & ~water & ~bad
    out.write("T %s %d %d %d %d %d\n" % (name, h, w, (~inside).sum(), water.sum(), bad.sum()))
    for i in range(h):
        for j in range(w):
            c = "K" if kept[i, j] else "O" if not inside[i, j] else "W" if water[i, j] else "S"
            out.write("P %d %d %.15f %.15f %s\n" % (i, j, plon[i, j], plat[i, j], c))
            if kept[i, j]:
                out.write("V %d %d %s %s\n" % (i, j, emb[i, j].astype(np.int8).tobytes().hex(),
                                              np.float32(sc[i, j]).tobytes()[::-1].hex()))
