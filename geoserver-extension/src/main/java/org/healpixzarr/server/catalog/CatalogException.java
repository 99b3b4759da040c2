package org.healpixzarr.server.catalog;

/**
 * A catalogue operation refused: the HTTP status that fits (400 bad request, 403 path outside the allowed roots,
 * 404 unknown workspace/store/layer, 409 conflict) and a message naming what, expected vs actual.
 */
public final class CatalogException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param status  HTTP status, 4xx
     * @param message human-readable reason
     */
    public CatalogException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** HTTP status, 4xx. */
    public int status() { return status; }

    static CatalogException notFound(String what, String name) {
        return new CatalogException(404, "no " + what + " '" + name + "'");
    }

    static CatalogException conflict(String message) {
        return new CatalogException(409, message);
    }

    static CatalogException bad(String message) {
        return new CatalogException(400, message);
    }
}
