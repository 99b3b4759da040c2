package org.healpixzarr.server.ows.wms;

import org.healpixzarr.server.ows.Xml;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.healpixzarr.server.catalog.Layer;

/** The answer of one GetFeatureInfo: per queried layer, the cell under the pixel, written in an INFO_FORMAT. */
final class FeatureInfo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int i;
    private final int j;
    private final List<Layer> layers = new ArrayList<>();
    private final List<MapBackend.PointInfo> points = new ArrayList<>();

    FeatureInfo(int i, int j) {
        this.i = i;
        this.j = j;
    }

    void add(Layer layer, MapBackend.PointInfo point) {
        layers.add(layer);
        points.add(point);
    }

    byte[] write(String format) {
        String s = switch (format) {
            case "application/json" -> json();
            case "text/html" -> html();
            default -> text();
        };
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "no data" : Double.toString(v);
    }

    private static String valueName(MapBackend.Value v, int bands) {
        return bands == 1 ? v.variable() : v.variable() + "[" + v.band() + "]";
    }

    private String text() {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < layers.size(); k++) {
            MapBackend.PointInfo p = points.get(k);
            b.append("layer: ").append(layers.get(k).name()).append('\n');
            if (p == null) {
                b.append("no cell at pixel ").append(i).append(',').append(j).append("\n\n");
                continue;
            }
            b.append("cell_id: ").append(p.cellId()).append('\n');
            b.append("depth: ").append(p.depth()).append('\n');
            b.append(String.format(Locale.ROOT, "lon: %.9f%nlat: %.9f%n", p.lon(), p.lat()));
            b.append("count: ").append(p.count()).append('\n');
            for (MapBackend.Value v : p.values()) {
                b.append(valueName(v, p.values().size())).append(": ").append(number(v.value()));
                if (v.units() != null && !Double.isNaN(v.value())) b.append(' ').append(v.units());
                b.append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }

    private String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("i", i).put("j", j);
        ArrayNode arr = root.putArray("layers");
        for (int k = 0; k < layers.size(); k++) {
            MapBackend.PointInfo p = points.get(k);
            ObjectNode o = arr.addObject();
            o.put("layer", layers.get(k).name());
            if (p == null) {
                o.putNull("cell_id");
                continue;
            }
            o.put("cell_id", p.cellId()).put("depth", p.depth()).put("lon", p.lon()).put("lat", p.lat()).put("count", p.count());
            ArrayNode values = o.putArray("values");
            for (MapBackend.Value v : p.values()) {
                ObjectNode vo = values.addObject().put("variable", v.variable()).put("band", v.band());
                if (Double.isNaN(v.value())) vo.putNull("value");
                else vo.put("value", v.value());
                if (v.units() == null) vo.putNull("units");
                else vo.put("units", v.units());
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String html() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>GetFeatureInfo</title></head><body>\n");
        for (int k = 0; k < layers.size(); k++) {
            MapBackend.PointInfo p = points.get(k);
            b.append("<table class=\"featureInfo\">\n<caption>").append(Xml.escape(layers.get(k).name())).append("</caption>\n");
            if (p == null) {
                b.append("<tr><td>no cell at pixel ").append(i).append(',').append(j).append("</td></tr>\n</table>\n");
                continue;
            }
            row(b, "cell_id", Long.toString(p.cellId()));
            row(b, "depth", Integer.toString(p.depth()));
            row(b, "lon", String.format(Locale.ROOT, "%.9f", p.lon()));
            row(b, "lat", String.format(Locale.ROOT, "%.9f", p.lat()));
            row(b, "count", Long.toString(p.count()));
            for (MapBackend.Value v : p.values()) {
                String units = v.units() != null && !Double.isNaN(v.value()) ? " " + v.units() : "";
                row(b, valueName(v, p.values().size()), number(v.value()) + units);
            }
            b.append("</table>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(Xml.escape(name)).append("</th><td>").append(Xml.escape(value)).append("</td></tr>\n");
    }
}
