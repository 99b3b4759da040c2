package org.healpixzarr.input.earthcare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarthCareInputsTest {
    @TempDir
    Path tmp;

    @Test
    void groupsTheSampleFolderByFrame() throws Exception {
        SortedMap<String, List<Path>> g = EarthCareInputs.group(List.of(Samples.dir()));
        assertEquals(List.of("06109C", "06109D", "06110A"), List.copyOf(g.keySet())); // C: polar sample made by make_earthcare_msi.py --rows 240 --cols 24 --frame C --zip
        assertEquals(3, g.get("06109C").size());
        assertEquals(Samples.frameD(), g.get("06109D").stream().map(p -> Samples.dir().resolve(p.getFileName())).toList());
        assertEquals(Samples.frameA(), g.get("06110A").stream().map(p -> Samples.dir().resolve(p.getFileName())).toList());
    }

    @Test
    void namedFilesInAnyOrderAreSortedByTypeAndCountedOnce() throws Exception {
        List<Path> in = List.of(Samples.h5(MsiProductType.AOT), Samples.h5(MsiProductType.CM), Samples.dir(),
                Samples.h5(MsiProductType.CM));
        SortedMap<String, List<Path>> g = EarthCareInputs.group(in);
        assertEquals(3, g.get("06109D").size());
        assertTrue(g.get("06109D").get(0).getFileName().toString().contains("MSI_CM__2A"));
        assertTrue(g.get("06109D").get(2).getFileName().toString().contains("MSI_AOT_2A"));
    }

    @Test
    void ignoresUnknownFilesInFolders() throws Exception {
        Files.copy(Samples.h5(MsiProductType.COP), tmp.resolve(Samples.h5(MsiProductType.COP).getFileName()));
        Files.writeString(tmp.resolve("notes.txt"), "hello");
        Files.writeString(tmp.resolve(Samples.stem(MsiProductType.COP, "06109D") + ".HDR"), "<x/>");
        Files.writeString(tmp.resolve("ECA_EXAE_ATL_NOM_1B_20250625T135845Z_20250929T143920Z_06109D.h5"), "other instrument");
        Files.createDirectory(tmp.resolve("sub"));
        SortedMap<String, List<Path>> g = EarthCareInputs.group(List.of(tmp));
        assertEquals(1, g.size());
        assertEquals(1, g.get("06109D").size());
    }

    @Test
    void namedFileThatIsNotAProduct() throws Exception {
        Path txt = Files.writeString(tmp.resolve("notes.txt"), "hello");
        FormatException e = assertThrows(FormatException.class, () -> EarthCareInputs.group(List.of(txt)));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        Path hdr = tmp.resolve(Samples.stem(MsiProductType.CM, "06109D") + ".HDR");
        Files.writeString(hdr, "<x/>");
        assertThrows(FormatException.class, () -> EarthCareInputs.group(List.of(hdr)));
        Path h5 = Files.writeString(tmp.resolve("frame.h5"), "x");
        assertThrows(FormatException.class, () -> EarthCareInputs.group(List.of(h5)));
        assertThrows(NoSuchFileException.class, () -> EarthCareInputs.group(List.of(tmp.resolve("absent.h5"))));
    }

    @Test
    void unknownProductTypeNamedOrInAFolder() throws Exception {
        Path xyz = tmp.resolve(Samples.stem(MsiProductType.CM, "06109D").replace("MSI_CM__2A", "MSI_XYZ_2A") + ".h5");
        Files.copy(Samples.h5(MsiProductType.CM), xyz);
        for (List<Path> in : List.of(List.of(xyz), List.of(tmp))) {
            FormatException e = assertThrows(FormatException.class, () -> EarthCareInputs.group(in));
            assertTrue(e.getMessage().contains(xyz.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("MSI_XYZ_2A") && e.getMessage().contains("MSI_CM__2A, MSI_COP_2A, MSI_AOT_2A"),
                    e.getMessage());
        }
    }

    @Test
    void sameTypeTwiceForOneFrame() throws Exception {
        Path h5 = Samples.h5(MsiProductType.CM);
        Path zip = Samples.zipProduct(h5, tmp, true);
        InconsistentDataException e = assertThrows(InconsistentDataException.class, () -> EarthCareInputs.group(List.of(h5, zip)));
        assertTrue(e.getMessage().contains("06109D") && e.getMessage().contains("MSI_CM__2A"), e.getMessage());
        assertTrue(e.getMessage().contains(zip.getFileName().toString()), e.getMessage());
    }
}
