package org.healpixzarr;

/**
 * Root of the checked exceptions for problems with data: input files, stores and their metadata.
 * I/O failures of the machine (disk full, permission denied) stay {@link java.io.IOException}s;
 * a {@code DataException} means the bytes were read but are not what they must be.
 *
 * <p>Messages follow one pattern so that a user can act on them without a debugger:
 * <em>what</em> is wrong, <em>where</em> (file, object, variable, line), the <em>expected</em>
 * versus the <em>actual</em> value, and a <em>hint</em>. Use {@link #describe} to build one.
 *
 * <p>Subtypes by cause: {@link FormatException} (not the expected format or structure),
 * {@link CorruptDataException} (truncated or checksum mismatch), {@link InconsistentDataException}
 * (parts that must agree do not), {@link CollisionException} (two observations in one cell under a
 * strict policy).
 */
public class DataException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a complete message (see {@link #describe}). */
    public DataException(String message) {
        super(message);
    }

    /** Creates an exception with a complete message and the lower-level cause. */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Builds a message of the project's pattern: {@code "<where>: <what>; expected <expected>, found
     * <actual>. Hint: <hint>"}. Any argument may be {@code null} and is then omitted.
     *
     * @param where    the file, object or variable concerned (e.g. {@code "frame.h5:/ScienceData/latitude"})
     * @param what     what is wrong, in a few words
     * @param expected what was expected
     * @param actual   what was found
     * @param hint     what the user can do about it
     * @return the message
     */
    public static String describe(String where, String what, Object expected, Object actual, String hint) {
        StringBuilder b = new StringBuilder();
        if (where != null) b.append(where).append(": ");
        b.append(what == null ? "invalid data" : what);
        if (expected != null || actual != null) {
            b.append("; expected ").append(expected == null ? "?" : expected)
             .append(", found ").append(actual == null ? "?" : actual);
        }
        b.append('.');
        if (hint != null) b.append(" Hint: ").append(hint);
        return b.toString();
    }
}
