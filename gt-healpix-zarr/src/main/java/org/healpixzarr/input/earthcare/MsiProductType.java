package org.healpixzarr.input.earthcare;

import java.util.Optional;

/**
 * The EarthCARE MSI Level-2A product types this package reads, with their 10-character file type
 * codes (offset 9 of the product name). Immutable and thread-safe.
 */
public enum MsiProductType {
    /** MSI cloud mask, cloud type and phase, surface classification: {@code MSI_CM__2A}. */
    CM("MSI_CM__2A"),
    /** MSI cloud optical and physical properties: {@code MSI_COP_2A}. */
    COP("MSI_COP_2A"),
    /** MSI aerosol optical thickness: {@code MSI_AOT_2A}. */
    AOT("MSI_AOT_2A");

    private final String code;

    MsiProductType(String code) {
        this.code = code;
    }

    /**
     * The file type code.
     *
     * @return the 10-character code, e.g. {@code "MSI_CM__2A"}
     */
    public String code() {
        return code;
    }

    /** The short lower-case prefix used to disambiguate variable names, e.g. {@code "cm"}. */
    String prefix() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The type of a file type code.
     *
     * @param code a 10-character code such as {@code "MSI_COP_2A"} (exact, case-sensitive); may be null
     * @return the type, or empty if the code is not one of the known MSI Level-2A types
     */
    public static Optional<MsiProductType> fromCode(String code) {
        for (MsiProductType t : values()) {
            if (t.code.equals(code)) return Optional.of(t);
        }
        return Optional.empty();
    }

    /** The known codes, for messages: {@code "MSI_CM__2A, MSI_COP_2A, MSI_AOT_2A"}. */
    static String knownCodes() {
        StringBuilder b = new StringBuilder();
        for (MsiProductType t : values()) {
            if (b.length() > 0) b.append(", ");
            b.append(t.code);
        }
        return b.toString();
    }
}
