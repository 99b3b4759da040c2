package org.healpixzarr.server.ows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.XMLConstants;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * The official OGC and W3C XML schemas, offline: {@code org.jvnet.ogc:ogc-schemas} and
 * {@code org.hisrc.w3c:w3c-schemas} hold them as classpath resources ({@code /ogc/wms/1.3.0/...},
 * {@code /w3c/1999/xlink.xsd}); imports of {@code http://schemas.opengis.net/...} and {@code http://www.w3.org/...}
 * are mapped to those resources, and any other network location is refused.
 */
public final class OgcSchemas {
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    private OgcSchemas() {}

    /** WMS 1.3.0 capabilities (with the SLD 1.1 capabilities extension for GetLegendGraphic). */
    public static Schema wmsCapabilities() {
        return schema("/ogc/sld/1.1.0/sld_capabilities.xsd", "/ogc/wms/1.3.0/capabilities_1_3_0.xsd");
    }

    /** WMS 1.3.0 ServiceExceptionReport. */
    public static Schema wmsException() {
        return schema("/ogc/wms/1.3.0/exceptions_1_3_0.xsd");
    }

    /** WCS 2.0 (capabilities, DescribeCoverage) with OWS 2.0, GML 3.2, GMLCOV 1.0, SWE 2.0. */
    public static Schema wcs() {
        return schema("/ogc/wcs/2.0/wcsAll.xsd");
    }

    /** OWS 2.0 ExceptionReport. */
    public static Schema ows2Exception() {
        return schema("/ogc/ows/2.0/owsExceptionReport.xsd");
    }

    /** The validation errors of a document (empty if valid). */
    public static List<String> errors(Schema schema, byte[] xml) throws IOException {
        List<String> errors = new ArrayList<>();
        Validator v = schema.newValidator();
        v.setResourceResolver(RESOLVER);
        v.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) {
                errors.add(e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
                errors.add("fatal " + e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage());
            }
        });
        try {
            v.validate(new StreamSource(new ByteArrayInputStream(xml)));
        } catch (org.xml.sax.SAXException e) {
            if (errors.isEmpty()) errors.add(e.getMessage());
        }
        return errors;
    }

    private static Schema schema(String... resources) {
        return CACHE.computeIfAbsent(String.join(" ", resources), k -> {
            try {
                SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
                f.setResourceResolver(RESOLVER);
                // The official OWS 2.0 owsAdditionalParameters.xsd restricts a particle (0..n) from a base (1..1),
                // which Xerces' schema-full-checking rejects as a schema error; that check is about the schema's own
                // derivations, not about the documents, which are still validated in full.
                f.setFeature("http://apache.org/xml/features/validation/schema-full-checking", false);
                Source[] sources = new Source[resources.length];
                for (int i = 0; i < resources.length; i++) {
                    URL u = OgcSchemas.class.getResource(resources[i]);
                    if (u == null) throw new IllegalStateException("schema " + resources[i] + " not on the classpath");
                    sources[i] = new StreamSource(u.toExternalForm());
                }
                return f.newSchema(sources);
            } catch (org.xml.sax.SAXException e) {
                throw new IllegalStateException("cannot load " + k + ": " + e.getMessage(), e);
            }
        });
    }

    /** Maps a schema URL to a classpath resource, or null. */
    static String resource(String systemId) {
        if (systemId == null) return null;
        String s = systemId.replaceFirst("^https?://", "");
        if (s.startsWith("schemas.opengis.net/")) return "/ogc/" + s.substring("schemas.opengis.net/".length());
        if (s.equals("www.w3.org/1999/xlink.xsd")) return "/w3c/1999/xlink.xsd";
        if (s.equals("www.w3.org/2001/xml.xsd")) return "/w3c/2001/xml.xsd";
        return null;
    }

    private static final LSResourceResolver RESOLVER = (type, namespace, publicId, systemId, baseUri) -> {
        if (systemId == null) return null;
        String res = resource(systemId);
        URL url;
        if (res != null) {
            url = OgcSchemas.class.getResource(res);
            if (url == null) throw new IllegalStateException("schema " + systemId + " not in the offline copies (" + res + ")");
        } else if (systemId.startsWith("http:") || systemId.startsWith("https:")) {
            throw new IllegalStateException("schema " + systemId + " would be fetched from the network");
        } else {
            try {
                url = baseUri == null ? new URL(systemId) : new URL(new URL(baseUri), systemId);
            } catch (java.net.MalformedURLException e) {
                return null;
            }
        }
        return new Input(publicId, url.toExternalForm(), baseUri);
    };

    private record Input(String publicId, String systemId, String baseURI) implements LSInput {
        @Override public Reader getCharacterStream() { return null; }
        @Override public void setCharacterStream(Reader r) {}
        @Override public InputStream getByteStream() {
            try {
                return new URL(systemId).openStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        @Override public void setByteStream(InputStream s) {}
        @Override public String getStringData() { return null; }
        @Override public void setStringData(String s) {}
        @Override public String getSystemId() { return systemId; }
        @Override public void setSystemId(String s) {}
        @Override public String getPublicId() { return publicId; }
        @Override public void setPublicId(String s) {}
        @Override public String getBaseURI() { return baseURI; }
        @Override public void setBaseURI(String s) {}
        @Override public String getEncoding() { return null; }
        @Override public void setEncoding(String s) {}
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCertifiedText(boolean b) {}
    }
}
