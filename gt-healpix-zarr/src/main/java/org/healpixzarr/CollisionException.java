package org.healpixzarr;

/**
 * A {@link DataException} raised when two observations fall in one cell and the duplicate policy is strict.
 */
public class CollisionException extends DataException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a complete message (see {@link DataException#describe}). */
    public CollisionException(String message) {
        super(message);
    }

    /** Creates the exception with a complete message and the lower-level cause. */
    public CollisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
