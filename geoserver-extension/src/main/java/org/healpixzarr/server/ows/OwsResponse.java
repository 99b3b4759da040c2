package org.healpixzarr.server.ows;

/**
 * What an OGC operation answers, independent of the HTTP server.
 *
 * @param status      HTTP status
 * @param contentType MIME type (with charset for text)
 * @param body        the bytes
 */
public record OwsResponse(int status, String contentType, byte[] body) {}
