#!/usr/bin/python3
"""Independent HEALPix reference for the Java tests of org.healpixzarr.healpix.

WGS84 geodetic (lon, lat) -> nested HEALPix id via the EXACT closed-form authalic latitude
(beta = asin(q(phi)/q(pi/2)), q from the authalic-sphere area integral) and Debian's healpy
(ang2pix, nest=True). It shares no code with the Java implementation (which uses Karney's n^6
Fourier series and its own hash).

The closed form is evaluated with mpmath at 40 digits and the authalic COLATITUDE
theta = pi/2 - beta is rounded once to double and given to healpy (with phi = radians(lon % 360),
as healpy's lonlat mode does). In plain double precision, asin(q/qp) loses all accuracy near the
poles (1 - q/qp ~ colat^2 is below the double resolution within ~1e-4 deg of a pole, so
/work/shared/bench/healpix_ref.py gives wrong depth-29 cells there).

Modes (run with Debian's /usr/bin/python3, which has python3-healpy and python3-numpy):
  make_golden.py --golden OUT.txt      write the golden file (fixed seed, reproducible)
  make_golden.py --depth D             read 'lon lat' lines on stdin, print one id per line
  make_golden.py --neighbours D        read ids on stdin, print healpy's 8 neighbours per line
"""
import argparse
import sys

import numpy as np
import healpy as hp
import mpmath as mp

mp.mp.dps = 40

A = 6378137.0


_MA = mp.mpf(A)
_MF = 1 / mp.mpf("298.257223563")
_ME2 = _MF * (2 - _MF)
_ME = mp.sqrt(_ME2)


def _mq(phi):
    s = mp.sin(phi)
    return (1 - _ME2) * (s / (1 - _ME2 * s * s) + mp.atanh(_ME * s) / _ME)


_MQP = _mq(mp.pi / 2)


def authalic_colat(lat_deg):
    """Authalic colatitude in radians (double), from the closed form at 40 digits."""
    out = np.empty(len(lat_deg))
    for i, la in enumerate(lat_deg):
        phi = mp.mpf(float(la)) * mp.pi / 180
        beta = mp.asin(_mq(phi) / _MQP)
        out[i] = float(mp.pi / 2 - beta)
    return out


def ids(lon, lat, depth):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    phi = np.radians(lon % 360.0)
    return hp.ang2pix(2 ** depth, authalic_colat(lat), phi, nest=True)


def geodetic_of_authalic_sin(zt):
    """Geodetic latitude (degrees, rounded to double) whose authalic sine is zt (40-digit root)."""
    phi = mp.findroot(lambda p: _mq(p) / _MQP - zt, mp.asin(zt))
    return float(phi * 180 / mp.pi)


def golden(path):
    rng = np.random.default_rng(20240601)
    rows = []  # (lon, lat, depth)

    def add(lons, lats, depth):
        for lo, la in zip(lons, lats):
            rows.append((float(lo), float(la), depth))

    # random points uniform on the sphere
    for depth, count in ((29, 6000), (0, 1000), (3, 1000), (14, 1000), (19, 1000)):
        lon = rng.uniform(-180.0, 180.0, count)
        lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, count)))
        add(lon, lat, depth)

    special = []
    # poles and near poles
    for lat in (90.0, -90.0, 89.9999999, -89.9999999):
        for lon in (0.0, 12.3, 45.0, 90.0, 135.0, 180.0, -180.0, -45.0, -90.0, -135.0, 359.0):
            special.append((lon, lat))
    # antimeridian
    for lon in (180.0, -180.0, 179.9999999, -179.9999999):
        for lat in (0.0, 10.0, -10.0, 41.0, -41.0, 45.0, -45.0, 60.0, -75.0, 89.0):
            special.append((lon, lat))
    # face boundaries: lon multiples of 45 deg, lat at the equatorial/polar transition (+- eps)
    lat_t = geodetic_of_authalic_sin(mp.mpf(2) / 3)
    for k in range(-4, 5):
        lon = 45.0 * k
        for lat in (0.0, 30.0, -30.0, 60.0, -60.0, lat_t, -lat_t, lat_t + 1e-9, lat_t - 1e-9,
                    -lat_t + 1e-9, -lat_t - 1e-9):
            special.append((lon, lat))
        for dlon in (1e-9, -1e-9):
            for lat in (lat_t + 1e-9, -lat_t - 1e-9, 20.0, -20.0):
                special.append((lon + dlon, lat))
    # longitudes outside [-180, 180)
    for lon in (360.5, -540.25, 720.0, -360.0, 540.0, 1000.75, -1000.75, 359.9999999):
        for lat in (0.0, 12.5, -33.3, 70.0, -80.0):
            special.append((lon, lat))
    for depth in (0, 3, 14, 19, 29):
        add([p[0] for p in special], [p[1] for p in special], depth)

    by_depth = {}
    for i, (lo, la, d) in enumerate(rows):
        by_depth.setdefault(d, []).append(i)
    out = [0] * len(rows)
    for d, idx in by_depth.items():
        res = ids([rows[i][0] for i in idx], [rows[i][1] for i in idx], d)
        for i, v in zip(idx, res):
            out[i] = int(v)

    with open(path, "w") as f:
        f.write("# HEALPix nested ids, WGS84, made by make_golden.py (this directory) with\n")
        f.write("# healpy %s, numpy %s, python %s:\n" % (hp.__version__, np.__version__, sys.version.split()[0]))
        f.write("# authalic latitude by the exact closed form beta = asin(q(phi)/q(pi/2)) evaluated with\n")
        f.write("# mpmath %s at 40 digits, then healpy.ang2pix(2**depth, theta=float(pi/2-beta),\n" % mp.__version__)
        f.write("# phi=radians(lon % 360), nest=True).\n")
        f.write("# transition latitude (authalic sin = 2/3) geodetic = %r deg\n" % lat_t)
        f.write("# columns: lon_deg lat_deg depth id   (%d rows; random seed 20240601)\n" % len(rows))
        for (lo, la, d), v in zip(rows, out):
            f.write("%r %r %d %d\n" % (lo, la, d, v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int)
    ap.add_argument("--neighbours", type=int)
    ap.add_argument("--golden")
    a = ap.parse_args()
    if a.golden:
        golden(a.golden)
    elif a.neighbours is not None:
        cells = np.loadtxt(sys.stdin, dtype=np.int64, ndmin=1)
        nb = hp.get_all_neighbours(2 ** a.neighbours, cells, nest=True)  # shape (8, n)
        for j in range(nb.shape[1]):
            print(" ".join(str(int(v)) for v in nb[:, j]))
    else:
        depth = 29 if a.depth is None else a.depth
        data = np.loadtxt(sys.stdin, ndmin=2)
        for v in ids(data[:, 0], data[:, 1], depth):
            print(int(v))


if __name__ == "__main__":
    main()
