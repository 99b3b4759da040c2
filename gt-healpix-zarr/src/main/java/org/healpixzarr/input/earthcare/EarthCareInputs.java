package org.healpixzarr.input.earthcare;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;

/**
 * Finds the EarthCARE MSI Level-2A products among user inputs and groups them by frame.
 * Stateless and thread-safe.
 */
public final class EarthCareInputs {
    private EarthCareInputs() {}

    /**
     * Expands files and folders into products grouped by frame.
     *
     * <ul>
     * <li>A named file must be an EarthCARE MSI Level-2A product, {@code <stem>.h5} or {@code <stem>.ZIP}
     *     (extension in any case); anything else (including a {@code .HDR}, which holds no data) is a
     *     {@link FormatException}.</li>
     * <li>A folder is listed <em>non-recursively</em>. Its files named {@code <stem>.h5} or {@code <stem>.ZIP}
     *     with a type code {@code MSI_…_2A} are taken; other files (headers, other instruments or levels,
     *     anything else) are ignored.</li>
     * <li>A product type code that looks like MSI Level-2A but is not one of {@link MsiProductType}
     *     (e.g. {@code MSI_XYZ_2A}), or a named file of another type, is a {@link FormatException} naming
     *     the file and the known types.</li>
     * <li>The same path given twice (named and inside a named folder) counts once; two products of the
     *     same type for one frame (e.g. {@code .h5} and {@code .ZIP} of one stem, or two baselines) are an
     *     {@link InconsistentDataException}.</li>
     * </ul>
     *
     * @param inputs files and folders
     * @return frame key ({@code "06109D"}) to its products, keys sorted; each list sorted by product type
     *         (CM, COP, AOT)
     * @throws IOException   if a path does not exist or cannot be listed
     * @throws DataException as above
     */
    public static SortedMap<String, List<Path>> group(List<Path> inputs) throws IOException, DataException {
        Set<Path> files = new LinkedHashSet<>();
        Map<Path, EarthCareProductName> names = new HashMap<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                List<Path> listed = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(input)) {
                    for (Path p : ds) listed.add(p);
                }
                listed.sort(Comparator.comparing(Path::toString));
                for (Path p : listed) {
                    if (!Files.isRegularFile(p) || !isDataFile(p)) continue;
                    EarthCareProductName n;
                    try {
                        n = EarthCareProductName.parse(p.getFileName().toString());
                    } catch (FormatException notEarthCare) {
                        continue;
                    }
                    if (!looksLikeMsiL2(n.productTypeCode())) continue;
                    typeOf(p, n);
                    if (files.add(p.toAbsolutePath().normalize())) names.put(p.toAbsolutePath().normalize(), n);
                }
            } else if (Files.exists(input)) {
                if (!isDataFile(input)) {
                    throw new FormatException(DataException.describe(input.toString(), "not an EarthCARE product data file",
                            "<stem>.h5 or <stem>.ZIP", input.getFileName(),
                            "give the .h5 or .ZIP of each product (the .HDR header is found next to it)"));
                }
                EarthCareProductName n = EarthCareProductName.parse(input.getFileName().toString());
                typeOf(input, n);
                if (files.add(input.toAbsolutePath().normalize())) names.put(input.toAbsolutePath().normalize(), n);
            } else {
                throw new NoSuchFileException(input.toString());
            }
        }
        SortedMap<String, List<Path>> byFrame = new TreeMap<>();
        for (Path p : files) byFrame.computeIfAbsent(names.get(p).frameKey(), k -> new ArrayList<>()).add(p);
        for (Map.Entry<String, List<Path>> e : byFrame.entrySet()) {
            List<Path> list = e.getValue();
            list.sort(Comparator.comparing((Path p) -> typeOf(names.get(p)).ordinal()).thenComparing(Path::toString));
            for (int i = 1; i < list.size(); i++) {
                if (typeOf(names.get(list.get(i))) == typeOf(names.get(list.get(i - 1)))) {
                    throw new InconsistentDataException(DataException.describe("frame " + e.getKey(),
                            "two products of type " + typeOf(names.get(list.get(i))).code(),
                            "at most one product of each type per frame", list.get(i - 1) + " and " + list.get(i),
                            "keep one of them (one baseline, either the .h5 or the .ZIP)"));
                }
            }
        }
        return byFrame;
    }

    /** Whether the name ends with .h5 or .zip (any case). */
    static boolean isDataFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".h5") || n.endsWith(".zip");
    }

    private static boolean looksLikeMsiL2(String code) {
        return code.startsWith("MSI_") && code.endsWith("2A");
    }

    private static MsiProductType typeOf(EarthCareProductName n) {
        return n.productType().orElseThrow();
    }

    /** The type of a product, or a FormatException naming the file and the known types. */
    static MsiProductType typeOf(Path file, EarthCareProductName n) throws FormatException {
        return n.productType().orElseThrow(() -> new FormatException(DataException.describe(file.toString(),
                "unknown product type " + n.productTypeCode(), "one of " + MsiProductType.knownCodes(),
                n.productTypeCode(), "only EarthCARE MSI Level-2A cloud mask, cloud properties and aerosol products are read")));
    }
}
