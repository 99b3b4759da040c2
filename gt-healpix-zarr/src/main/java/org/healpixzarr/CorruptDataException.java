package org.healpixzarr;

/**
 * A {@link DataException} raised when the input is in the right format but damaged: truncated object, checksum mismatch, undecodable chunk.
 */
public class CorruptDataException extends DataException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a complete message (see {@link DataException#describe}). */
    public CorruptDataException(String message) {
        super(message);
    }

    /** Creates the exception with a complete message and the lower-level cause. */
    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
