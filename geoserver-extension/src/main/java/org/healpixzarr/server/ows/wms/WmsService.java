package org.healpixzarr.server.ows.wms;

import org.healpixzarr.server.ows.Xml;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.healpixzarr.DataException;
import org.healpixzarr.coverage.Crs;
import org.healpixzarr.render.Png;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.server.catalog.LayerResolver;
import org.healpixzarr.server.ows.OwsException;
import org.healpixzarr.server.ows.OwsRequest;
import org.healpixzarr.server.ows.OwsResponse;
import org.healpixzarr.server.ows.OwsService;

/**
 * OGC WMS 1.3.0 over the published layers: GetCapabilities, GetMap (PNG, JPEG), GetFeatureInfo (text/plain,
 * application/json, text/html) and GetLegendGraphic (SLD 1.1 extension).
 *
 * <p>Errors are answered as a WMS 1.3.0 {@code ServiceExceptionReport} ({@code text/xml}) with a 4xx status for
 * client errors, or for GetMap, as the request's {@code EXCEPTIONS} asks, drawn in the image ({@code INIMAGE}) or
 * as an empty image ({@code BLANK}). Maps are limited to {@value MapRequest#MAX_SIZE} pixels a side and
 * {@value MapRequest#MAX_PIXELS} pixels in all. Thread-safe and stateless.
 */
public final class WmsService implements OwsService {
    static final String VERSION = "1.3.0";
    /** CRSs advertised in the capabilities (UTM zones are accepted in requests too). */
    static final List<String> ADVERTISED_CRS = List.of("CRS:84", "EPSG:4326", "EPSG:3857");
    static final String CRS_LIST = Crs.SUPPORTED;
    static final List<String> INFO_FORMATS = List.of("text/plain", "application/json", "text/html");
    static final List<String> MAP_FORMATS = List.of("image/png", "image/jpeg");
    private static final System.Logger LOG = System.getLogger(WmsService.class.getName());

    private final MapBackend backend;

    /** The service over the layers' own data (what the server instantiates). */
    public WmsService() {
        this(new SamplerMapBackend());
    }

    WmsService(MapBackend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "WMS";
    }

    @Override
    public OwsResponse handle(OwsRequest request, LayerResolver layers) {
        String operation = null;
        try {
            String service = request.get("SERVICE");
            if (service != null && !service.isEmpty() && !service.equalsIgnoreCase("WMS")) {
                throw new OwsException(400, "InvalidParameterValue", "SERVICE", "this endpoint answers SERVICE=WMS, not " + service);
            }
            operation = MapRequest.required(request, "REQUEST");
            switch (operation.toLowerCase(Locale.ROOT)) {
                case "getcapabilities":
                    return new OwsResponse(200, "text/xml; charset=UTF-8", WmsCapabilities.write(request.baseUrl(), layers.layers(), backend));
                case "getmap":
                    return getMap(request, layers);
                case "getfeatureinfo":
                    return getFeatureInfo(request, layers);
                case "getlegendgraphic":
                    return getLegendGraphic(request, layers);
                default:
                    throw new OwsException(501, "OperationNotSupported", "REQUEST", "WMS has no operation " + operation
                            + "; use GetCapabilities, GetMap, GetFeatureInfo or GetLegendGraphic");
            }
        } catch (OwsException e) {
            return error(e, request, operation);
        } catch (DataException | IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "WMS " + operation + " failed: " + e.getMessage(), e);
            return error(new OwsException(500, "NoApplicableCode", null, "cannot read the layer's data: " + e.getMessage()), request, operation);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "WMS " + operation + " failed", e);
            return error(new OwsException(500, "NoApplicableCode", null, "internal error (" + e.getClass().getSimpleName() + "), see the server log"), request, operation);
        }
    }

    /**
     * The canonical code of a CRS a WMS request may name ({@link Crs#SUPPORTED}), or {@code null} if not supported.
     */
    static String canonicalCrs(String crs) {
        return Crs.canonical(crs);
    }

    private OwsResponse getMap(OwsRequest r, LayerResolver resolver) throws OwsException, IOException, DataException {
        MapRequest m = MapRequest.parse(r, resolver, true);
        BufferedImage first = backend.render(m.layers().get(0), m.crs(), m.bbox(), m.width(), m.height(), m.styles().get(0));
        if (m.layers().size() == 1 && first.getType() == BufferedImage.TYPE_INT_ARGB
                && first.getWidth() == m.width() && first.getHeight() == m.height()) {
            return image(first, m.format(), m.transparent(), m.background()); // the layer's image is the map
        }
        BufferedImage map = new BufferedImage(m.width(), m.height(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = map.createGraphics();
        try {
            g.drawImage(first, 0, 0, null);
            for (int k = 1; k < m.layers().size(); k++) {
                g.drawImage(backend.render(m.layers().get(k), m.crs(), m.bbox(), m.width(), m.height(), m.styles().get(k)), 0, 0, null);
            }
        } finally {
            g.dispose();
        }
        return image(map, m.format(), m.transparent(), m.background());
    }

    /**
     * Encodes a map: no-data gets the background unless PNG with TRANSPARENT=TRUE; JPEG is never transparent. PNG
     * through {@link Png} (indexed colour when the map has at most 256 colours), JPEG through ImageIO.
     */
    static OwsResponse image(BufferedImage argb, String format, boolean transparent, Color background) throws IOException {
        boolean jpeg = format.equals("image/jpeg");
        BufferedImage out = argb;
        if (jpeg || !transparent) {
            out = new BufferedImage(argb.getWidth(), argb.getHeight(), jpeg ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = out.createGraphics();
            try {
                g.setColor(new Color(background.getRGB() & 0xFFFFFF));
                g.fillRect(0, 0, out.getWidth(), out.getHeight());
                g.drawImage(argb, 0, 0, null);
            } finally {
                g.dispose();
            }
        }
        if (!jpeg) return new OwsResponse(200, format, Png.encode(out));
        // encoded in memory: ImageIO.write(image, format, OutputStream) would buffer through a temporary file
        // (ImageIO's disk cache is on by default), one per request
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) throw new IOException("no ImageIO writer for " + format);
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(ios);
            writer.write(out);
        } finally {
            writer.dispose();
        }
        return new OwsResponse(200, format, bytes.toByteArray());
    }

    private OwsResponse getFeatureInfo(OwsRequest r, LayerResolver resolver) throws OwsException, IOException, DataException {
        MapRequest m = MapRequest.parse(r, resolver, false);
        List<String> queryNames = MapRequest.list(MapRequest.required(r, "QUERY_LAYERS"), "QUERY_LAYERS");
        String infoFormat = r.get("INFO_FORMAT");
        String format = infoFormat == null || infoFormat.isEmpty() ? "text/plain" : infoFormat.trim().toLowerCase(Locale.ROOT);
        int semi = format.indexOf(';');
        if (semi >= 0) format = format.substring(0, semi).trim();
        if (!INFO_FORMATS.contains(format)) {
            throw new OwsException(400, "InvalidFormat", "INFO_FORMAT", "INFO_FORMAT " + infoFormat + " is not supported; use one of " + INFO_FORMATS);
        }
        int i = pixel(r, "I", "X", m.width()), j = pixel(r, "J", "Y", m.height());
        FeatureInfo info = new FeatureInfo(i, j);
        for (String name : queryNames) {
            Layer l = MapRequest.layer(resolver, name);
            if (!m.layers().contains(l)) {
                throw new OwsException(400, "LayerNotQueryable", "QUERY_LAYERS", "layer " + name + " is not among LAYERS");
            }
            info.add(l, backend.pointInfo(l, m.crs(), m.bbox(), m.width(), m.height(), i, j));
        }
        return new OwsResponse(200, format + "; charset=UTF-8", info.write(format));
    }

    private static int pixel(OwsRequest r, String name, String alias, int size) throws OwsException {
        String v = r.get(name);
        if (v == null || v.isEmpty()) v = r.get(alias);
        if (v == null || v.isEmpty()) throw MapRequest.missing(name);
        int p;
        try {
            p = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new OwsException(400, "InvalidPoint", name, name + " must be an integer pixel index, got " + v);
        }
        if (p < 0 || p >= size) {
            throw new OwsException(400, "InvalidPoint", name, name + "=" + p + " is outside the map (0.." + (size - 1) + ")");
        }
        return p;
    }

    private OwsResponse getLegendGraphic(OwsRequest r, LayerResolver resolver) throws OwsException, IOException, DataException {
        Layer l = MapRequest.layer(resolver, MapRequest.required(r, "LAYER"));
        Style style = MapRequest.style(l, r.get("STYLE"));
        String f = r.get("FORMAT");
        String format = f == null || f.isEmpty() ? "image/png" : MapRequest.imageFormat(f);
        return image(backend.legend(l, style), format, true, Color.WHITE);
    }

    // ---------------------------------------------------------------- exceptions

    private static OwsResponse error(OwsException e, OwsRequest r, String operation) {
        if (e.status() >= 500) LOG.log(System.Logger.Level.DEBUG, "WMS error " + e.getMessage());
        if ("getmap".equalsIgnoreCase(operation)) {
            String mode = "XML";
            try {
                String ex = r.get("EXCEPTIONS");
                if (ex != null) mode = ex.trim().toUpperCase(Locale.ROOT);
            } catch (OwsException repeated) {
                // fall back to XML
            }
            boolean inImage = mode.equals("INIMAGE") || mode.equals("APPLICATION/VND.OGC.SE_INIMAGE");
            boolean blank = mode.equals("BLANK") || mode.equals("APPLICATION/VND.OGC.SE_BLANK");
            if (inImage || blank) {
                try {
                    return imageError(e, r, inImage);
                } catch (IOException | RuntimeException io) {
                    LOG.log(System.Logger.Level.WARNING, "cannot draw the exception image", io);
                }
            }
        }
        return new OwsResponse(e.status(), "text/xml; charset=UTF-8", exceptionReport(e));
    }

    /** A WMS 1.3.0 ServiceExceptionReport. */
    static byte[] exceptionReport(OwsException e) {
        Xml x = new Xml();
        x.start("ServiceExceptionReport", "version", VERSION, "xmlns", "http://www.opengis.net/ogc",
                "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
                "xsi:schemaLocation", "http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd");
        x.leaf("ServiceException", e.getMessage(), "code", e.code(), "locator", e.locator());
        return x.end().bytes();
    }

    /** The exception drawn in (or as) an image the size and format the map would have had, where those are usable. */
    private static OwsResponse imageError(OwsException e, OwsRequest r, boolean drawText) throws IOException {
        int w = lenientSize(r, "WIDTH"), h = lenientSize(r, "HEIGHT");
        if ((long) w * h > MapRequest.MAX_PIXELS) w = h = 256;
        String format = "image/png";
        boolean transparent = false;
        Color bg = Color.WHITE;
        try {
            String f = r.get("FORMAT");
            if (f != null) format = MapRequest.imageFormat(f);
        } catch (OwsException ignored) {
            // PNG
        }
        try {
            transparent = MapRequest.bool(r, "TRANSPARENT");
        } catch (OwsException ignored) {
            // opaque
        }
        try {
            bg = MapRequest.color(r.get("BGCOLOR"));
        } catch (OwsException ignored) {
            // white
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        if (drawText) {
            Graphics2D g = img.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setColor(Color.RED.darker());
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                String text = e.code() + ": " + e.getMessage();
                int y = 14, per = Math.max(8, w / 7);
                for (int k = 0; k < text.length() && y < h; k += per, y += 15) {
                    g.drawString(text.substring(k, Math.min(text.length(), k + per)), 4, y);
                }
            } finally {
                g.dispose();
            }
        }
        OwsResponse ok = image(img, format, transparent, bg);
        return new OwsResponse(e.status(), ok.contentType(), ok.body());
    }

    private static int lenientSize(OwsRequest r, String name) {
        try {
            return MapRequest.size(r, name);
        } catch (OwsException e) {
            return 256;
        }
    }
}
