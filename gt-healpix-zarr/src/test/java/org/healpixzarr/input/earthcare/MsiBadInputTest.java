package org.healpixzarr.input.earthcare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.input.Swath;
import org.healpixzarr.input.SwathVariable;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and inconsistent inputs made from the samples: always a DataException naming the file, never a jHDF exception. */
class MsiBadInputTest {
    @TempDir
    Path tmp;

    private Path copy(MsiProductType type) throws Exception {
        Path src = Samples.h5(type);
        return Files.copy(src, tmp.resolve(src.getFileName()));
    }

    private static void assertNames(DataException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    @Test
    void truncatedH5() throws Exception {
        for (double fraction : new double[] {0.9, 0.5, 0.05}) {
            Path p = copy(MsiProductType.COP);
            byte[] all = Files.readAllBytes(Samples.h5(MsiProductType.COP));
            Files.write(p, Arrays.copyOf(all, (int) (all.length * fraction)));
            DataException e = assertThrows(DataException.class, () -> MsiFrameReader.read(List.of(p), null), "fraction " + fraction);
            assertTrue(e instanceof CorruptDataException || e instanceof FormatException, e.toString());
            assertNames(e, p.toString());
            Files.delete(p);
        }
    }

    @Test
    void garbageAndEmptyFiles() throws Exception {
        Path p = tmp.resolve(Samples.h5(MsiProductType.CM).getFileName());
        Files.writeString(p, "this is not HDF5 at all, just some text that is long enough");
        FormatException e = assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(p), null));
        assertNames(e, p.toString(), "not an HDF5 file");
        Files.write(p, new byte[0]);
        assertNames(assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(p), null)), p.toString());
        Path zip = tmp.resolve(Samples.zip(MsiProductType.CM).getFileName());
        Files.writeString(zip, "not a zip");
        assertNames(assertThrows(CorruptDataException.class, () -> MsiFrameReader.read(List.of(zip), null)), zip.toString());
    }

    @Test
    void truncatedZip() throws Exception {
        byte[] all = Files.readAllBytes(Samples.zip(MsiProductType.COP));
        Path p = tmp.resolve(Samples.zip(MsiProductType.COP).getFileName());
        Files.write(p, Arrays.copyOf(all, all.length / 2));
        DataException e = assertThrows(DataException.class, () -> MsiFrameReader.read(List.of(p), null));
        assertNames(e, p.toString());
    }

    @Test
    void zipWithoutH5() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("x"));
        Path hdr = Files.copy(Samples.dir().resolve(Samples.stem(MsiProductType.CM, "06109D") + ".HDR"),
                dir.resolve(Samples.stem(MsiProductType.CM, "06109D") + ".HDR"));
        // a ZIP holding only the header
        Path fakeH5 = dir.resolve(Samples.stem(MsiProductType.CM, "06109D") + ".h5");
        Path zip = Samples.zipProduct(fakeH5, tmp, false);
        assertTrue(Files.exists(hdr));
        FormatException e = assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(zip), null));
        assertNames(e, zip.toString(), ".HDR", "no HDF5 file");
    }

    @Test
    void unknownProductType() throws Exception {
        Path p = tmp.resolve(Samples.stem(MsiProductType.CM, "06109D").replace("MSI_CM__2A", "MSI_XYZ_2A") + ".h5");
        Files.copy(Samples.h5(MsiProductType.CM), p);
        FormatException e = assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(p), null));
        assertNames(e, p.toString(), "MSI_XYZ_2A", "MSI_CM__2A, MSI_COP_2A, MSI_AOT_2A");
        Path other = tmp.resolve("granule.h5");
        Files.copy(Samples.h5(MsiProductType.CM), other);
        assertNames(assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(other), null)), "granule.h5");
    }

    /** Runs a python snippet with {@code f} the h5py file opened read-write. */
    private static void h5py(Path file, String code) throws Exception {
        h5py(List.of(file), code);
    }

    /** Runs a python snippet on each file, with {@code f} the h5py file opened read-write and {@code sd} its /ScienceData. */
    private static void h5py(List<Path> files, String code) throws Exception {
        ExternalTools.requirePython("h5py", "numpy");
        String script = "import sys, h5py, numpy as np\nfor path in sys.argv[1:]:\n    f = h5py.File(path, 'r+')\n"
                + "    sd = f['ScienceData']\n" + code.indent(4) + "    f.close()\n";
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.PYTHON, "-c", script));
        files.forEach(p -> cmd.add(p.toString()));
        ExternalTools.runOk(cmd, Map.of());
    }

    @Test
    void missingLatitude() throws Exception {
        Path p = copy(MsiProductType.CM);
        h5py(p, "del sd['latitude']");
        FormatException e = assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(p), null));
        assertNames(e, p.toString(), "/ScienceData/latitude", "missing variable latitude");
        assertThrows(FormatException.class, () -> MsiFrameReader.variableNames(List.of(p)));
    }

    @Test
    void damagedChunk() throws Exception {
        ExternalTools.requirePython("h5py", "numpy");
        Path p = copy(MsiProductType.COP);
        String offset = ExternalTools.runOk(List.of(ExternalTools.PYTHON, "-c",
                "import sys, h5py\nwith h5py.File(sys.argv[1], 'r') as f:\n"
                        + "    i = f['ScienceData/cloud_top_height'].id.get_chunk_info(0)\n    print(i.byte_offset + i.size // 3)",
                p.toString()), Map.of()).trim();
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[64]), Long.parseLong(offset));
        }
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> MsiFrameReader.read(List.of(p), null));
        assertNames(e, p.toString(), "/ScienceData/cloud_top_height", "cannot read the data");
        // the other variables are still readable on their own
        assertEquals(1, MsiFrameReader.read(List.of(p), java.util.Set.of("cloud_water_path")).variables().size());
    }

    @Test
    void missingScienceData() throws Exception {
        Path p = copy(MsiProductType.CM);
        h5py(p, "del f['ScienceData']");
        assertNames(assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(p), null)), p.toString(), "ScienceData");
    }

    @Test
    void variableOfAnotherShape() throws Exception {
        Path p = copy(MsiProductType.COP);
        h5py(p, "del sd['cloud_water_path']\nsd.create_dataset('cloud_water_path', data=np.zeros((200, 42), np.float32))");
        InconsistentDataException e = assertThrows(InconsistentDataException.class, () -> MsiFrameReader.read(List.of(p), null));
        assertNames(e, p.toString(), "/ScienceData/cloud_water_path", "[200, 43]", "[200, 42]");
        Path q = copy(MsiProductType.AOT);
        h5py(q, "sd.create_dataset('bands_first', data=np.zeros((4, 200, 43), np.float32))");
        assertNames(assertThrows(InconsistentDataException.class, () -> MsiFrameReader.read(List.of(q), null)),
                "bands_first", "[4, 200, 43]");
    }

    @Test
    void threeDimensionalVariableKeepsItsBands() throws Exception {
        Path p = copy(MsiProductType.AOT);
        h5py(p, "a = np.arange(200 * 43 * 4, dtype=np.float32).reshape(200, 43, 4)\n"
                + "d = sd.create_dataset('component_optical_thickness', data=a, chunks=(64, 16, 4), compression='gzip', shuffle=True)\n"
                + "d.attrs['units'] = np.bytes_('1')");
        Swath s = MsiFrameReader.read(List.of(p), null);
        SwathVariable v = MsiFrameReaderTest.byName(s).get("component_optical_thickness");
        assertEquals(4, v.bands());
        assertEquals("1", v.attributes().get("units"));
        float[] x = (float[]) v.values();
        for (int i = 0; i < x.length; i++) assertEquals(i, x[i], 0f);
    }

    @Test
    void geolocationOrTimeDiffersBetweenProducts() throws Exception {
        Path cm = copy(MsiProductType.CM);
        Path aot = copy(MsiProductType.AOT);
        h5py(aot, "a = sd['latitude'][...]\na[5, 20] += 1e-6\nsd['latitude'][...] = a");
        InconsistentDataException e = assertThrows(InconsistentDataException.class, () -> MsiFrameReader.read(List.of(aot, cm), null));
        assertNames(e, cm.toString(), aot.toString(), "latitude", "row 5, column 20");
        Path cop = copy(MsiProductType.COP);
        h5py(cop, "t = sd['time'][...]\nt[7] += 0.001\nsd['time'][...] = t");
        e = assertThrows(InconsistentDataException.class, () -> MsiFrameReader.read(List.of(cm, cop), null));
        assertNames(e, cm.toString(), cop.toString(), "time", "row 7");
    }

    @Test
    void headerOrbitDiffersFromFileName() throws Exception {
        Path cm = copy(MsiProductType.CM);
        h5py(cm, "f['HeaderData/VariableProductHeader/MainProductHeader/orbitNumber'][0] = 6110");
        assertNames(assertThrows(InconsistentDataException.class, () -> MsiFrameReader.read(List.of(cm), null)),
                cm.toString(), "orbitNumber", "6109", "6110");
    }

    /**
     * Storage layouts the fast chunk decoder handles (several chunks with partial edges, no shuffle, big-endian)
     * and those it leaves to jHDF (contiguous, Fletcher-32, no filter) give the same swath as the samples.
     */
    @Test
    void otherStorageLayoutsGiveTheSameSwath() throws Exception {
        Swath reference = MsiFrameReader.read(Samples.frameD(), null);
        String[] layouts = {
            "dict(chunks=(64, 16), compression='gzip', shuffle=True)",
            "dict(chunks=(33, 43), compression='gzip', shuffle=False)",
            "dict(chunks=(50, 10), compression='gzip', shuffle=True, big_endian=True)",
            "dict(chunks=(64, 16), compression='gzip', shuffle=True, fletcher32=True)",
            "dict()",
            "dict(chunks=(7, 5))",
        };
        for (String layout : layouts) {
            Path dir = Files.createDirectories(tmp.resolve("layout" + layout.hashCode()));
            List<Path> products = new ArrayList<>();
            for (Path src : Samples.frameD()) products.add(Files.copy(src, dir.resolve(src.getFileName())));
            h5py(products, "kw = " + layout + "\nbig = kw.pop('big_endian', False)\n"
                        + "for name in [n for n in sd if sd[n].ndim == 2]:\n"
                        + "    old = sd[name]; a = old[...]; attrs = {k: v for k, v in old.attrs.items() if k not in ('DIMENSION_LIST',)}\n"
                        + "    del sd[name]\n"
                        + "    if big: a = a.astype(a.dtype.newbyteorder('>'))\n"
                        + "    d = sd.create_dataset(name, data=a, **kw)\n"
                        + "    for k, v in attrs.items(): d.attrs[k] = v");
            Swath s = MsiFrameReader.read(products, null);
            MsiFrameReaderTest.assertSameContent(reference, s);
        }
    }

    @Test
    void identicalGeolocationIsComparedWithoutDecoding() throws Exception {
        try (MsiFrameReader.Frame f = MsiFrameReader.Frame.open(Samples.frameD())) {
            var a = f.products.get(0).hdf.getDatasetByPath("/ScienceData/latitude");
            var b = f.products.get(1).hdf.getDatasetByPath("/ScienceData/latitude");
            var c = f.products.get(1).hdf.getDatasetByPath("/ScienceData/longitude");
            assertTrue(MsiFrameReader.sameStoredBytes(a, b));
            assertFalse(MsiFrameReader.sameStoredBytes(a, c));
        }
    }
}
