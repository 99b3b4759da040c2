package org.healpixzarr.input.earthcare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.healpixzarr.FormatException;
import org.junit.jupiter.api.Test;

class EarthCareProductNameTest {
    static final String CM = "ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06109D";

    @Test
    void parsesAllParts() throws Exception {
        EarthCareProductName n = EarthCareProductName.parse(CM + ".h5");
        assertEquals('E', n.agency());
        assertEquals('X', n.latency());
        assertEquals("BA", n.baseline());
        assertEquals("MSI_CM__2A", n.productTypeCode());
        assertEquals("20250625T135845", n.sensingStart());
        assertEquals("20250929T143920", n.processingStart());
        assertEquals(6109, n.orbit());
        assertEquals('D', n.frame());
        assertEquals(CM, n.stem());
        assertEquals("06109D", n.frameKey());
        assertEquals(Optional.of(MsiProductType.CM), n.productType());
    }

    @Test
    void acceptsTheThreeExtensionsInAnyCaseAndADirectory() throws Exception {
        for (String ext : new String[] {".h5", ".H5", ".HDR", ".hdr", ".ZIP", ".zip", ".Zip"}) {
            assertEquals(CM, EarthCareProductName.parse(CM + ext).stem(), ext);
        }
        assertEquals(CM, EarthCareProductName.parse("/data/earthcare/" + CM + ".h5").stem());
    }

    @Test
    void unknownTypeParsesButHasNoMsiType() throws Exception {
        EarthCareProductName n = EarthCareProductName.parse(CM.replace("MSI_CM__2A", "MSI_XYZ_2A") + ".h5");
        assertEquals("MSI_XYZ_2A", n.productTypeCode());
        assertTrue(n.productType().isEmpty());
        assertEquals(Optional.of(MsiProductType.AOT), MsiProductType.fromCode("MSI_AOT_2A"));
        assertEquals(Optional.empty(), MsiProductType.fromCode("msi_aot_2a"));
        assertEquals("MSI_COP_2A", MsiProductType.COP.code());
    }

    @Test
    void rejectsOtherNames() {
        String[] bad = {CM, CM + ".nc", CM + "X.h5", CM.substring(1) + ".h5", CM.replace("06109D", "06109I") + ".h5",
                CM.replace("06109D", "6109D") + ".h5", CM.replace("T135845Z", "T1358450") + ".h5", "readme.txt", ".h5", ""};
        for (String b : bad) {
            FormatException e = assertThrows(FormatException.class, () -> EarthCareProductName.parse(b), b);
            assertTrue(e.getMessage().startsWith(b.isEmpty() ? ": " : b), e.getMessage());
        }
        assertThrows(FormatException.class, () -> EarthCareProductName.parse(null));
    }
}
