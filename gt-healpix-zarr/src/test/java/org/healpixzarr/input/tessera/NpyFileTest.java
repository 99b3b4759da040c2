package org.healpixzarr.input.tessera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict header checks of the NPY reader, each failure naming the file with expected vs found. */
class NpyFileTest {
    @TempDir
    Path dir;

    /** A version-1.0 .npy file as numpy.save writes it (header padded to a multiple of 64). */
    static byte[] npy(int major, String dict, int dataBytes) {
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        int total = ((prefix + h.length + 1 + 63) / 64) * 64;
        int hl = total - prefix;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.writeBytes(new byte[] {(byte) hl, (byte) (hl >> 8)});
        else b.writeBytes(new byte[] {(byte) hl, (byte) (hl >> 8), 0, 0});
        b.writeBytes(h);
        for (int i = h.length; i < hl - 1; i++) b.write(' ');
        b.write('\n');
        for (int i = 0; i < dataBytes; i++) b.write(i);
        return b.toByteArray();
    }

    Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsInt8RowsAndFloats() throws Exception {
        Path p = write("a.npy", npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (3, 2, 4), }", 24));
        try (NpyFile f = NpyFile.open(p, "|i1", 3)) {
            assertArrayEquals(new long[] {3, 2, 4}, f.shape());
            byte[] row = new byte[8];
            f.readRows(1, 1, row);
            assertArrayEquals(new byte[] {8, 9, 10, 11, 12, 13, 14, 15}, row);
        }
        byte[] fl = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }", 0);
        byte[] all = new byte[fl.length + 8];
        System.arraycopy(fl, 0, all, 0, fl.length);
        java.nio.ByteBuffer.wrap(all, fl.length, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(Float.NaN);
        try (NpyFile f = NpyFile.open(write("f.npy", all), "<f4", 2)) {
            float[] v = new float[2];
            f.readFloatRows(0, 2, v, new byte[8]);
            assertEquals(0.5f, v[0]);
            assertTrue(Float.isNaN(v[1]));
        }
    }

    void assertFails(Class<? extends DataException> type, byte[] content, String descr, int rank, String... fragments) throws Exception {
        Path p = write("bad.npy", content);
        DataException e = assertThrows(type, () -> NpyFile.open(p, descr, rank).close());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), e.getMessage());
    }

    @Test
    void badMagic() throws Exception {
        byte[] c = npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1, 1), }", 1);
        c[1] = 'X';
        assertFails(FormatException.class, c, "|i1", 3, "bad magic", "expected");
    }

    @Test
    void badVersion() throws Exception {
        byte[] c = npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1, 1), }", 1);
        c[6] = 4;
        assertFails(FormatException.class, c, "|i1", 3, "version", "4.0");
    }

    @Test
    void wrongDtype() throws Exception {
        assertFails(FormatException.class, npy(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1, 1), }", 2),
                "|i1", 3, "wrong dtype", "'|i1'", "'<i2'");
        assertFails(FormatException.class, npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", 4),
                "<f4", 2, "wrong dtype", "'>f4'");
    }

    @Test
    void fortranOrder() throws Exception {
        assertFails(FormatException.class, npy(1, "{'descr': '|i1', 'fortran_order': True, 'shape': (1, 1, 1), }", 1),
                "|i1", 3, "Fortran");
    }

    @Test
    void wrongRankAndMalformed() throws Exception {
        assertFails(FormatException.class, npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (4, 2), }", 8),
                "|i1", 3, "dimensions", "expected 3", "found 2");
        assertFails(FormatException.class, npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (a, 2, 1), }", 8),
                "|i1", 3, "shape");
        assertFails(FormatException.class, npy(1, "not a dict", 0), "|i1", 3, "malformed");
    }

    @Test
    void truncatedOrTooLong() throws Exception {
        assertFails(CorruptDataException.class, npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2, 2), }", 7),
                "|i1", 3, "truncated");
        assertFails(CorruptDataException.class, npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2, 2), }", 9),
                "|i1", 3, "longer");
        assertFails(FormatException.class, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0}, "|i1", 3, "truncated");
    }
}
