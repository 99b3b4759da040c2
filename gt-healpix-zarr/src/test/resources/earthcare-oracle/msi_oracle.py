"""Independent oracle for MsiFrameReaderTest: reads MSI L2A products (.h5 or .ZIP) with h5py and prints
JSON facts the Java reader must reproduce. Usage: msi_oracle.py FILE...   (Debian python3-h5py, python3-numpy)"""
import io, json, sys, zipfile
import h5py, numpy as np

FILL = 9.969209968386869e36


def open_h5(path):
    if path.lower().endswith(".zip"):
        z = zipfile.ZipFile(path)
        name = [n for n in z.namelist() if n.lower().endswith(".h5")][0]
        return h5py.File(io.BytesIO(z.read(name)), "r")
    return h5py.File(path, "r")


out = {"products": {}}
for path in sys.argv[1:]:
    with open_h5(path) as f:
        sd = f["ScienceData"]
        lat, lon = sd["latitude"][...], sd["longitude"][...]
        geo = np.isfinite(lat) & np.isfinite(lon) & (lat < 9e36) & (lon < 9e36)
        out["rows"], out["cols"] = lat.shape
        out["geolocated"] = int(geo.sum())
        t = sd["time"][...]
        rows = geo.any(axis=1) & (t < 9e36)
        out["time_min"], out["time_max"] = float(t[rows].min()), float(t[rows].max())
        first = np.argwhere(geo)[0]
        out["first_geo"] = [int(first[0]), int(first[1]), float(lat[tuple(first)]), float(lon[tuple(first)])]
        facts = {}
        for name, ds in sd.items():
            if ds.ndim < 2 or name in ("latitude", "longitude"):
                continue
            a = ds[...]
            fa = ds.attrs.get("_FillValue")
            if a.dtype.kind == "f":
                fill = (a >= 9e36) | ((a == fa) if fa is not None else False)
            else:
                fill = a == (fa if fa is not None else (-127 if a.dtype == np.int8 else -32767))
            valid = np.argwhere(~fill)
            spots = [[int(i), int(j), float(a[i, j])] for i, j in valid[:: max(1, len(valid) // 7)][:8]]
            facts[name] = {"dtype": str(a.dtype), "shape": list(a.shape), "fill_count": int(fill.sum()),
                           "sum": float(a[~fill].astype(np.float64).sum()), "spots": spots,
                           "attrs": sorted(k for k in ds.attrs.keys() if k not in ("DIMENSION_LIST", "REFERENCE_LIST"))}
        out["products"][f["HeaderData/FixedProductHeader/File_Type"][()].decode()] = facts
        if "cloud_optical_thickness" in sd:
            cot = sd["cloud_optical_thickness"][...].astype(np.float64)
            cth = sd["cloud_top_height"][...].astype(np.float64)
            ok = (cot < 9e36) & (cth < 9e36)
            out["cop_both_valid"] = int(ok.sum())
print(json.dumps(out))
