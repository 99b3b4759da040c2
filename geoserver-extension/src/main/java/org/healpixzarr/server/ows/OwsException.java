package org.healpixzarr.server.ows;

/**
 * A client or service error to be reported as an OGC exception (WMS ServiceExceptionReport or OWS 2.0
 * ExceptionReport, by the service that catches it).
 */
public final class OwsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final String locator;

    /**
     * @param status  HTTP status (4xx for client errors)
     * @param code    OGC exception code, e.g. {@code InvalidParameterValue}, {@code LayerNotDefined}, {@code NoSuchCoverage}
     * @param locator the parameter concerned, or {@code null}
     * @param message human-readable text (escaped by whoever writes XML)
     */
    public OwsException(int status, String code, String locator, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.locator = locator;
    }

    public int status() { return status; }

    public String code() { return code; }

    public String locator() { return locator; }
}
