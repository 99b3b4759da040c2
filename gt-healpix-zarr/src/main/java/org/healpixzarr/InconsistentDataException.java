package org.healpixzarr;

/**
 * A {@link DataException} raised when parts that must agree do not: array shapes, geolocation of products of one frame, metadata against the data or the convention.
 */
public class InconsistentDataException extends DataException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a complete message (see {@link DataException#describe}). */
    public InconsistentDataException(String message) {
        super(message);
    }

    /** Creates the exception with a complete message and the lower-level cause. */
    public InconsistentDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
