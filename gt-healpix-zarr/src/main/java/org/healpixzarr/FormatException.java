package org.healpixzarr;

/**
 * A {@link DataException} raised when the input is not in the expected format or lacks a required part (not HDF5, unknown product type, missing variable, not a DGGS-Zarr store, unsupported codec).
 */
public class FormatException extends DataException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a complete message (see {@link DataException#describe}). */
    public FormatException(String message) {
        super(message);
    }

    /** Creates the exception with a complete message and the lower-level cause. */
    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
