package org.healpixzarr.server.ows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming XML writer: every attribute value and text node is escaped, and characters that XML 1.0
 * cannot carry (control characters, lone surrogates) are replaced, so whatever a client sent can be echoed safely.
 * Shared by the WMS and WCS documents. Not thread-safe (one per document).
 */
public final class Xml {
    private final StringBuilder sb = new StringBuilder(4096).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private final Deque<String> open = new ArrayDeque<>();
    private boolean inTag;

    /** Opens an element; {@code attrs} are name/value pairs, pairs with a null value are omitted. */
    public Xml start(String name, String... attrs) {
        closeTag();
        sb.append('<').append(name);
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            if (attrs[i + 1] != null) sb.append(' ').append(attrs[i]).append("=\"").append(escape(attrs[i + 1])).append('"');
        }
        open.push(name);
        inTag = true;
        return this;
    }

    public Xml text(String text) {
        closeTag();
        sb.append(escape(text));
        return this;
    }

    public Xml end() {
        String name = open.pop();
        if (inTag) {
            sb.append("/>");
            inTag = false;
        } else {
            sb.append("</").append(name).append('>');
        }
        return this;
    }

    /** {@code <name attrs>text</name>}. */
    public Xml leaf(String name, String text, String... attrs) {
        return start(name, attrs).text(text).end();
    }

    public byte[] bytes() {
        if (!open.isEmpty()) throw new IllegalStateException("unclosed " + open);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void closeTag() {
        if (inTag) {
            sb.append('>');
            inTag = false;
        }
    }

    /** Escapes markup characters and replaces characters not allowed in XML 1.0 with U+FFFD. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)) {
                        b.append(c);
                    } else {
                        b.append('\uFFFD');
                    }
                }
            }
        }
        return b.toString();
    }
}
