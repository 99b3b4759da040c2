package org.healpixzarr.input.earthcare;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * The parts of an EarthCARE product file name. The 60-character stem is
 * {@code ECA_<agency><latency><baseline>_<type>_<sensing start>Z_<processing start>Z_<orbit><frame>}, e.g.
 * {@code ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06109D}: agency {@code E}, latency
 * {@code X}, processing baseline {@code BA}, product type code {@code MSI_CM__2A} (10 characters at
 * offset 9), sensing start and processing start ({@code yyyyMMdd'T'HHmmss}, UTC), 5-digit orbit number
 * and frame letter {@code A}–{@code H}. Immutable and thread-safe.
 *
 * @param agency          agency letter ({@code E} ESA, {@code J} JAXA)
 * @param latency         latency letter ({@code X}, {@code N}, ...)
 * @param baseline        2-character processing baseline, e.g. {@code "BA"}
 * @param productTypeCode 10-character file type, e.g. {@code "MSI_COP_2A"}
 * @param sensingStart    sensing start, {@code yyyyMMdd'T'HHmmss} UTC (without the trailing {@code Z})
 * @param processingStart processing start, {@code yyyyMMdd'T'HHmmss} UTC (without the trailing {@code Z})
 * @param orbit           orbit number (0–99999)
 * @param frame           frame letter {@code A}–{@code H}
 * @param stem            the whole 60-character stem (file name without extension)
 */
public record EarthCareProductName(char agency, char latency, String baseline, String productTypeCode,
                                   String sensingStart, String processingStart, int orbit, char frame, String stem) {

    /** Length of a product stem. */
    static final int STEM_LENGTH = 60;

    private static final Pattern STEM = Pattern.compile(
            "ECA_([A-Z])([A-Z])([A-Z0-9]{2})_([A-Z0-9_]{10})_(\\d{8}T\\d{6})Z_(\\d{8}T\\d{6})Z_(\\d{5})([A-H])");

    /**
     * Parses a product file name.
     *
     * @param fileName {@code <stem>.h5}, {@code <stem>.HDR} or {@code <stem>.ZIP}, the extension in any case;
     *                 a leading directory part (up to the last {@code /} or {@code \}) is ignored
     * @return the parts
     * @throws FormatException if the name is not of that form
     */
    public static EarthCareProductName parse(String fileName) throws FormatException {
        if (fileName == null) throw new FormatException(DataException.describe(null, "no file name", "an EarthCARE product name", null, null));
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!(ext.equals("h5") || ext.equals("hdr") || ext.equals("zip"))) {
            throw new FormatException(DataException.describe(fileName, "not an EarthCARE product file name",
                    "<60-character stem>.h5, .HDR or .ZIP", name,
                    "EarthCARE products are named like ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06109D.h5"));
        }
        String stem = name.substring(0, dot);
        Matcher m = STEM.matcher(stem);
        if (stem.length() != STEM_LENGTH || !m.matches()) {
            throw new FormatException(DataException.describe(fileName, "not an EarthCARE product name",
                    "ECA_<agency><latency><baseline>_<type, 10 chars>_<yyyyMMddTHHmmss>Z_<yyyyMMddTHHmmss>Z_<orbit, 5 digits><frame A-H> (60 characters)",
                    stem + " (" + stem.length() + " characters)", null));
        }
        return new EarthCareProductName(m.group(1).charAt(0), m.group(2).charAt(0), m.group(3), m.group(4),
                m.group(5), m.group(6), Integer.parseInt(m.group(7)), m.group(8).charAt(0), stem);
    }

    /**
     * Orbit and frame, the key of a frame.
     *
     * @return the 5-digit orbit then the frame letter, e.g. {@code "06109D"}
     */
    public String frameKey() {
        return String.format(Locale.ROOT, "%05d%c", orbit, frame);
    }

    /**
     * The MSI Level-2A type of this product.
     *
     * @return the type, or empty if the type code is not one of {@link MsiProductType}
     */
    public Optional<MsiProductType> productType() {
        return MsiProductType.fromCode(productTypeCode);
    }
}
