"""QGIS (Debian's python3-qgis, the library behind the desktop application) as a client of the healpix-zarr server
(run by QgisClientTest).

usage: qgis_client.py OWS_URL LAYER COVERAGE_ID W,S,E,N(map) LON,LAT(identify) OUT_DIR
Adds the layer through QGIS's WMS provider with the data-source URI the "Add WMS layer" dialog builds, once in
EPSG:4326 (QGIS swaps the axes of the 1.3.0 BBOX itself) and once in EPSG:3857; renders the map box at 256 x 256
into OUT_DIR/qgis_4326.png and OUT_DIR/qgis_3857.png with QGIS's map renderer (transparent background); identifies
the point as text and HTML. Then opens the WCS 2.0.1 coverage as a raster layer through QGIS's GDAL provider
(QGIS's own WCS provider speaks WCS 1.0/1.1 only) and samples it at the point. Prints one JSON document.
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsPointXY, QgsProject, QgsRaster, QgsRasterLayer, QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

url, layer_name, coverage, map_box, point, out = sys.argv[1:7]
w, s, e, n = (float(v) for v in map_box.split(","))
plon, plat = (float(v) for v in point.split(","))

app = QgsApplication([], False)
app.initQgis()
result = {}
wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")


def uri(crs):
    # what QGIS's "Add WMS/WMTS layer" dialog stores for a layer picked from the capabilities
    return ("contextualWMSLegend=0&crs=%s&dpiMode=7&featureCount=10&format=image/png&layers=%s&styles&url=%s"
            % (crs, layer_name, url))


for code in ("EPSG:4326", "EPSG:3857"):
    lyr = QgsRasterLayer(uri(code), layer_name, "wms")
    key = code.replace("EPSG:", "")
    info = {"valid": lyr.isValid(), "error": lyr.error().message() if not lyr.isValid() else ""}
    if lyr.isValid():
        crs = QgsCoordinateReferenceSystem(code)
        to_crs = QgsCoordinateTransform(wgs84, crs, QgsProject.instance())
        ext = lyr.extent()
        info["extent"] = [ext.xMinimum(), ext.yMinimum(), ext.xMaximum(), ext.yMaximum()]
        info["crs"] = lyr.crs().authid()
        settings = QgsMapSettings()
        settings.setLayers([lyr])
        settings.setDestinationCrs(crs)
        if code == "EPSG:4326":
            settings.setExtent(QgsRectangle(w, s, e, n))
        else:
            settings.setExtent(to_crs.transformBoundingBox(QgsRectangle(w, s, e, n)))
        settings.setOutputSize(QSize(256, 256))
        settings.setBackgroundColor(QColor(0, 0, 0, 0))
        settings.setOutputDpi(96)
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        info["render_errors"] = [err.message for err in job.errors()]
        visible = settings.visibleExtent()
        info["visible_extent"] = [visible.xMinimum(), visible.yMinimum(), visible.xMaximum(), visible.yMaximum()]
        job.renderedImage().save(os.path.join(out, "qgis_%s.png" % key), "PNG")
        if code == "EPSG:4326":
            prov = lyr.dataProvider()
            ident = {}
            box = QgsRectangle(w, s, e, n)
            for fmt, fname in ((QgsRaster.IdentifyFormatText, "text"), (QgsRaster.IdentifyFormatHtml, "html")):
                res = prov.identify(QgsPointXY(plon, plat), fmt, box, 256, 256)
                ident[fname] = {"valid": res.isValid(),
                                "results": [str(v) for v in res.results().values()] if res.isValid() else [],
                                "error": res.error().message() if not res.isValid() else ""}
            info["identify"] = ident
    result[key] = info

cov = QgsRasterLayer("WCS:%s?version=2.0.1&coverage=%s" % (url, coverage), coverage, "gdal")
info = {"valid": cov.isValid(), "error": cov.error().message() if not cov.isValid() else ""}
if cov.isValid():
    ext = cov.extent()
    info.update({"extent": [ext.xMinimum(), ext.yMinimum(), ext.xMaximum(), ext.yMaximum()], "crs": cov.crs().authid(),
                 "size": [cov.width(), cov.height()], "bands": cov.bandCount()})
    value, ok = cov.dataProvider().sample(QgsPointXY(plon, plat), 1)
    info["sample"] = value if ok else None
result["wcs_gdal"] = info

print(json.dumps(result))
sys.stdout.flush()
os._exit(0)  # QgsApplication.exitQgis() of a standalone script can crash at teardown (QGIS 3.22): nothing is left to do
