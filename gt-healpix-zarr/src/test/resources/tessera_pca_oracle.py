#!/usr/bin/python3
"""Independent oracle for the PCA display basis of a TESSERA conversion: numpy (eigh) + GDAL, not the Java code.

  tessera_pca_oracle.py ROOT YEAR MAX

The sampling rule of docs/format.md: tiles in name order, pixels row-major; valid = landmask != 0 and
0 < scale < 1; with V valid pixels in all, stride k = max(1, ceil(V / MAX)); the sample is every k-th valid pixel
(0-based index divisible by k). Prints JSON: n, stride, mean, components (3, sign: largest |element| positive),
explained_variance (eigenvalues of the n-1 covariance), range (2nd, 98th percentile of the projections).
"""
import json, os, sys
import numpy as np
from osgeo import gdal

root, year, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
rep = os.path.join(root, "global_0.1_degree_representation", year)
embs, scales = [], []
for name in sorted(os.listdir(rep)):
    emb = np.load(os.path.join(rep, name, name + ".npy"))
    sc = np.load(os.path.join(rep, name, name + "_scales.npy"))
    ds = gdal.Open(os.path.join(root, "global_0.1_degree_tiff_all", name + ".tiff"))  # keep: the band needs it
    land = ds.GetRasterBand(1).ReadAsArray()
    valid = (land != 0) & (sc > np.float32(0)) & (sc < np.float32(1))
    embs.append(emb.reshape(-1, emb.shape[-1])[valid.ravel()])
    scales.append(sc.ravel()[valid.ravel()])
emb, sc = np.concatenate(embs), np.concatenate(scales)
v = len(sc)
k = max(1, -(-v // cap))
x = emb[::k].astype(np.float64) * sc[::k].astype(np.float64)[:, None]
mean = x.mean(axis=0)
cov = np.cov(x, rowvar=False)
w, vec = np.linalg.eigh(cov)
order = np.argsort(w)[::-1][:3]
comps = []
for i in order:
    c = vec[:, i]
    if c[np.argmax(np.abs(c))] < 0:
        c = -c
    comps.append(c)
comps = np.array(comps)
proj = (x - mean) @ comps.T
rng = [[float(np.percentile(proj[:, i], 2)), float(np.percentile(proj[:, i], 98))] for i in range(3)]
print(json.dumps({"n": int(len(x)), "stride": int(k), "mean": mean.tolist(), "components": comps.tolist(),
                  "explained_variance": [float(w[i]) for i in order], "range": rng}))
