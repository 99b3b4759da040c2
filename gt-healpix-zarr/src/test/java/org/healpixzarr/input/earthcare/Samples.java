package org.healpixzarr.input.earthcare;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The committed EarthCARE samples (made by /work/shared/fixtures/make_earthcare_msi.py) and helpers. */
final class Samples {
    static final String PREFIX = "ECA_EXBA_";
    static final String TIMES = "_20250625T135845Z_20250929T143920Z_";

    private Samples() {}

    static Path dir() {
        try {
            return Path.of(Samples.class.getResource("/earthcare").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String stem(MsiProductType type, String frame) {
        return PREFIX + type.code() + TIMES + frame;
    }

    /** The .h5 of a 06109D product. */
    static Path h5(MsiProductType type) {
        return dir().resolve(stem(type, "06109D") + ".h5");
    }

    /** The .ZIP of a 06110A product. */
    static Path zip(MsiProductType type) {
        return dir().resolve(stem(type, "06110A") + ".ZIP");
    }

    static List<Path> frameD() {
        return List.of(h5(MsiProductType.CM), h5(MsiProductType.COP), h5(MsiProductType.AOT));
    }

    static List<Path> frameA() {
        return List.of(zip(MsiProductType.CM), zip(MsiProductType.COP), zip(MsiProductType.AOT));
    }

    /** Zips an .h5 (and its .HDR if present) as {@code <stem>.ZIP} in {@code dir}, stored or deflated. */
    static Path zipProduct(Path h5, Path dir, boolean stored) throws IOException {
        String stem = h5.getFileName().toString().replaceAll("\\.h5$", "");
        Path zip = dir.resolve(stem + ".ZIP");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Path p : List.of(h5, h5.resolveSibling(stem + ".HDR"))) {
                if (!Files.exists(p)) continue;
                byte[] bytes = Files.readAllBytes(p);
                ZipEntry e = new ZipEntry(p.getFileName().toString());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(bytes.length);
                    e.setCompressedSize(bytes.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(bytes);
                z.closeEntry();
            }
        }
        return zip;
    }
}
