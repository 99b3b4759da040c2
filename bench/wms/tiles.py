#!/usr/bin/env python3
"""Writes a list of WMS 1.3.0 GetMap requests (256x256 PNG, EPSG:3857) for web-map tiles at random places and
zooms over a lon/lat box, one query string per line (without the endpoint), reproducibly from a seed.

usage: tiles.py POINTS LAYER STYLE COUNT SEED > requests.txt
  POINTS: a text file of "lon lat" lines (observations); every tile contains a random one of them, so the
  requests land on the data at every zoom (4..14), as a map user's would.
"""
import math
import random
import sys

R = 6378137.0
HALF = math.pi * R


def merc(lon, lat):
    lat = max(-85.05, min(85.05, lat))
    return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def main():
    with open(sys.argv[1]) as f:
        points = [tuple(map(float, l.split())) for l in f if l.strip()]
    layer, style, count, seed = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    rnd = random.Random(seed)
    for _ in range(count):
        z = rnd.randint(4, 14)
        size = 2 * HALF / 2 ** z
        x, y = merc(*rnd.choice(points))
        tx = math.floor((x + HALF) / size)
        ty = math.floor((y + HALF) / size)
        minx, miny = -HALF + tx * size, -HALF + ty * size
        print(f"SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES={style}&CRS=EPSG:3857"
              f"&BBOX={minx:.3f},{miny:.3f},{minx + size:.3f},{miny + size:.3f}&WIDTH=256&HEIGHT=256"
              f"&FORMAT=image/png&TRANSPARENT=TRUE")


if __name__ == "__main__":
    main()
