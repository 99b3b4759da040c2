"""OWSLib as a client of the healpix-zarr server (run by OwsLibClientTest).

usage: owslib_client.py OWS_URL LAYER COVERAGE_ID W,S,E,N(map) W,S,E,N(subset) OUT_DIR
Prints one JSON document describing what OWSLib saw; writes map.png and coverage.tif into OUT_DIR.
"""
import json
import os
import sys

from owslib.wcs import WebCoverageService
from owslib.wms import WebMapService

url, layer, coverage, map_box, subset_box, out = sys.argv[1:7]
mw, ms, me, mn = (float(v) for v in map_box.split(","))
sw, ss, se, sn = (float(v) for v in subset_box.split(","))
result = {}

wms = WebMapService(url, version="1.3.0")
lyr = wms[layer]
img = wms.getmap(layers=[layer], styles=[""], srs="EPSG:4326", bbox=(mw, ms, me, mn),  # lon/lat: OWSLib swaps for EPSG:4326
                 size=(256, 256), format="image/png", transparent=True)
with open(os.path.join(out, "map.png"), "wb") as f:
    f.write(img.read())
result["wms"] = {
    "version": wms.version,
    "title": wms.identification.title,
    "layers": sorted(wms.contents),
    "layer": {"title": lyr.title, "bbox": list(lyr.boundingBoxWGS84), "crs": list(lyr.crsOptions), "styles": sorted(lyr.styles),
              "queryable": bool(lyr.queryable)},
    "formats": wms.getOperationByName("GetMap").formatOptions,
    "map_content_type": img.info().get("Content-Type"),
}

wcs = WebCoverageService(url, version="2.0.1")
cov = wcs.contents[coverage]
grid = cov.grid
tif = wcs.getCoverage(identifier=[coverage], format="image/tiff", subsets=[("Lat", ss, sn), ("Long", sw, se)])
with open(os.path.join(out, "coverage.tif"), "wb") as f:
    f.write(tif.read())
result["wcs"] = {
    "version": wcs.version,
    "coverages": sorted(wcs.contents),
    # OWSLib 0.27 fills boundingBoxWGS84 only for WCS 1.0; boundingboxes are the DescribeCoverage envelopes
    "coverage": {"envelopes": [{"srs": b["nativeSrs"], "bbox": list(b["bbox"])} for b in cov.boundingboxes], "axis_labels": list(grid.axislabels),
                 "low": [int(v) for v in grid.lowlimits], "high": [int(v) for v in grid.highlimits],
                 "origin": [float(v) for v in grid.origin], "offsets": [[float(v) for v in o] for o in grid.offsetvectors],
                 "formats": list(cov.supportedFormats)},
}
print(json.dumps(result))
