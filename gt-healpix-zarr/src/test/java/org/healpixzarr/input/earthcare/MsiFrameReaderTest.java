package org.healpixzarr.input.earthcare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.input.Swath;
import org.healpixzarr.input.SwathVariable;
import org.healpixzarr.input.SwathVariable.Kind;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MsiFrameReaderTest {
    /** Store name, data type, kind of every variable of a full CM+COP+AOT frame, in read order. */
    static final String[][] ALL = {
        {"time", "float64", "QUANTITY"},
        {"cloud_mask", "int8", "CLASS"},
        {"cloud_mask_quality_status", "int8", "CLASS"},
        {"cloud_phase", "int8", "CLASS"},
        {"cloud_phase_quality_status", "int8", "CLASS"},
        {"cloud_type", "int8", "CLASS"},
        {"cloud_type_quality_status", "int8", "CLASS"},
        {"cm_quality_status", "int8", "CLASS"},
        {"surface_classification", "int16", "BITS"},
        {"cloud_effective_radius", "float32", "QUANTITY"},
        {"cloud_effective_radius_error", "float32", "QUANTITY"},
        {"cloud_optical_thickness", "float32", "QUANTITY"},
        {"cloud_optical_thickness_error", "float32", "QUANTITY"},
        {"cloud_top_height", "float32", "QUANTITY"},
        {"cloud_top_height_error", "float32", "QUANTITY"},
        {"cloud_top_pressure", "float32", "QUANTITY"},
        {"cloud_top_pressure_error", "float32", "QUANTITY"},
        {"cloud_top_temperature", "float32", "QUANTITY"},
        {"cloud_top_temperature_error", "float32", "QUANTITY"},
        {"cloud_water_path", "float32", "QUANTITY"},
        {"cloud_water_path_error", "float32", "QUANTITY"},
        {"cop_quality_status", "int8", "CLASS"},
        {"aerosol_optical_thickness_670nm", "float32", "QUANTITY"},
        {"aerosol_optical_thickness_670nm_error", "float32", "QUANTITY"},
        {"aerosol_optical_thickness_865nm", "float32", "QUANTITY"},
        {"aerosol_optical_thickness_865nm_error", "float32", "QUANTITY"},
        {"angstrom_parameter_355nm_670nm", "float32", "QUANTITY"},
        {"angstrom_parameter_670nm_865nm", "float32", "QUANTITY"},
        {"quality_mask", "int16", "BITS"},
        {"aot_quality_status", "int8", "CLASS"},
        {"surface_reflectance_670nm", "float32", "QUANTITY"},
        {"surface_reflectance_670nm_error", "float32", "QUANTITY"},
        {"viewing_zenith_angle", "float32", "QUANTITY"},
        {"isccp_cloud_type", "int8", "CLASS"},
    };

    @TempDir
    Path tmp;

    static Map<String, SwathVariable> byName(Swath s) {
        Map<String, SwathVariable> m = new LinkedHashMap<>();
        for (SwathVariable v : s.variables()) m.put(v.name(), v);
        return m;
    }

    static List<String> names(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i < to; i++) l.add(ALL[i][0]);
        return l;
    }

    @Test
    void readsFrameDFromH5() throws Exception {
        Swath s = MsiFrameReader.read(Samples.frameD(), null);
        assertEquals("06109D", s.id());
        assertEquals(200, s.rows());
        assertEquals(43, s.cols());
        assertEquals(ALL.length, s.variables().size());
        for (int i = 0; i < ALL.length; i++) {
            SwathVariable v = s.variables().get(i);
            assertEquals(ALL[i][0], v.name());
            assertEquals(ALL[i][1], v.dataType(), v.name());
            assertEquals(Kind.valueOf(ALL[i][2]), v.kind(), v.name());
            assertEquals(1, v.bands());
            assertFalse(v.attributes().containsKey("_FillValue"), v.name());
            assertFalse(v.attributes().containsKey("DIMENSION_LIST"), v.name());
        }
        assertEquals(names(0, ALL.length), MsiFrameReader.variableNames(Samples.frameD()));
        Map<String, String> types = MsiFrameReader.variableDataTypes(Samples.frameD());
        for (String[] row : ALL) assertEquals(row[1], types.get(row[0]));
        // 200 rows x (43 - 2 left - 1 right fill columns) = 8000, verified with h5py (and by the oracle test below)
        assertEquals(8000, geolocated(s));
        assertEquals(s.sources(), Samples.frameD().stream().map(Path::toString).toList());
    }

    @Test
    void readsFrameAFromZip() throws Exception {
        Swath s = MsiFrameReader.read(Samples.frameA(), null);
        assertEquals("06110A", s.id());
        assertEquals(160, s.rows());
        assertEquals(35, s.cols());
        assertEquals(names(0, ALL.length), s.variables().stream().map(SwathVariable::name).toList());
        assertEquals(160 * 32, geolocated(s)); // 2 left and 1 right fill columns, checked with h5py
        assertEquals("EarthCARE MSI Level-2A, orbit 06110 frame A", s.globalAttributes().get("title"));
    }

    @Test
    void fillValuesAndAttributes() throws Exception {
        Map<String, SwathVariable> v = byName(MsiFrameReader.read(Samples.frameD(), null));
        float fill32 = 9.969209968386869e36f;
        assertEquals(fill32, v.get("cloud_optical_thickness").fillValue());
        assertEquals("1", v.get("cloud_optical_thickness").attributes().get("units"));
        // no _FillValue attribute in the file: the declared fill, all values >= 9e36 are that one value
        SwathVariable cpe = v.get("cloud_top_pressure_error");
        assertEquals(fill32, cpe.fillValue());
        assertEquals("Pa", cpe.attributes().get("units"));
        for (float x : (float[]) cpe.values()) assertEquals(fill32, x);
        assertEquals((byte) -127, v.get("cloud_mask").fillValue());
        assertEquals("clear probably_clear probably_cloudy cloudy", v.get("cloud_mask").attributes().get("flag_meanings"));
        assertFalse(v.get("cloud_mask").attributes().containsKey("flag_values"), "nothing invented");
        assertEquals((byte) -127, v.get("cloud_mask_quality_status").fillValue(), "int8 without _FillValue");
        assertEquals((byte) -127, v.get("cloud_phase_quality_status").fillValue(), "int8 without _FillValue");
        assertEquals((short) -32767, v.get("surface_classification").fillValue());
        assertEquals("surface classification bit field", v.get("surface_classification").attributes().get("long_name"));
        assertEquals((short) -32767, v.get("quality_mask").fillValue());
        for (String q : List.of("cm", "cop", "aot")) {
            assertEquals(Samples.stem(MsiProductType.valueOf(q.toUpperCase()), "06109D"),
                    v.get(q + "_quality_status").attributes().get("source"));
        }
        SwathVariable time = v.get("time");
        assertEquals(9.969209968386869e36, time.fillValue());
        assertEquals("seconds since 2000-01-01 00:00:00 UTC", time.attributes().get("units"));
        assertEquals("time", time.attributes().get("standard_name"));
        assertEquals("standard", time.attributes().get("calendar"));
        double[] t = (double[]) time.values();
        assertEquals(804175125.0, t[0]); // h5py: time[0]
        assertEquals(t[0], t[42]);
        assertEquals(804175125.0 + 0.0714, t[43], 1e-9);
        SwathVariable isccp = v.get("isccp_cloud_type");
        assertEquals((byte) -127, isccp.fillValue());
        assertEquals(IsccpCloudType.FLAG_MEANINGS, isccp.attributes().get("flag_meanings"));
        assertEquals(List.of((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 6, (byte) 7, (byte) 8, (byte) 9),
                isccp.attributes().get("flag_values"));
        float[] cot = (float[]) v.get("cloud_optical_thickness").values();
        float[] cth = (float[]) v.get("cloud_top_height").values();
        byte[] types = (byte[]) isccp.values();
        int typed = 0;
        for (int i = 0; i < types.length; i++) {
            assertEquals(IsccpCloudType.classify(cot[i], cth[i]), types[i]);
            if (cot[i] == fill32 || cth[i] == fill32) assertEquals(IsccpCloudType.MISSING, types[i]);
            if (types[i] != IsccpCloudType.MISSING) typed++;
        }
        assertTrue(typed > 100, "some cloud types: " + typed);
    }

    @Test
    void geolocationAndGlobalAttributes() throws Exception {
        Swath s = MsiFrameReader.read(Samples.frameD(), null);
        // columns 0, 1 and 42 are fill in the file: NaN here
        assertTrue(Double.isNaN(s.latitude()[0]) && Double.isNaN(s.longitude()[1]) && Double.isNaN(s.latitude()[42]));
        assertEquals(66.62101763660051, s.latitude()[2]); // h5py: latitude[0, 2]
        assertEquals(17.994449846577393, s.longitude()[2]);
        Map<String, Object> g = s.globalAttributes();
        assertEquals("EarthCARE MSI Level-2A, orbit 06109 frame D", g.get("title"));
        assertEquals("EarthCARE MSI Level-2A: MSI_CM__2A, MSI_COP_2A, MSI_AOT_2A", g.get("source"));
        assertEquals("EarthCARE", g.get("platform"));
        assertEquals("MSI", g.get("instrument"));
        assertEquals(6109, g.get("orbit"));
        assertEquals("D", g.get("frame"));
        assertEquals("BA", g.get("processing_baseline"));
        assertEquals("2025-06-25T13:58:45Z", g.get("time_coverage_start")); // 804175125 s after 2000-01-01
        assertEquals("2025-06-25T13:58:59.208600Z", g.get("time_coverage_end")); // + 199 x 0.0714 s
        assertEquals(List.of(Samples.stem(MsiProductType.CM, "06109D"), Samples.stem(MsiProductType.COP, "06109D"),
                Samples.stem(MsiProductType.AOT, "06109D")), g.get("source_products"));
    }

    @Test
    void namesDoNotDependOnWhichProductsAreGiven() throws Exception {
        List<String> cop = MsiFrameReader.variableNames(List.of(Samples.h5(MsiProductType.COP)));
        assertEquals(names(9, 22), cop.subList(1, 14));
        assertEquals(List.of("time"), cop.subList(0, 1));
        assertEquals("isccp_cloud_type", cop.get(14));
        List<String> cmAot = MsiFrameReader.variableNames(List.of(Samples.h5(MsiProductType.AOT), Samples.h5(MsiProductType.CM)));
        List<String> expected = new ArrayList<>(names(0, 9));
        expected.addAll(names(22, 33));
        assertEquals(expected, cmAot, "no isccp_cloud_type without COP; cm_/aot_ prefixes kept");
        Swath one = MsiFrameReader.read(List.of(Samples.h5(MsiProductType.CM)), null);
        assertTrue(byName(one).containsKey("cm_quality_status"));
        assertEquals(MsiVariables.storeName(MsiProductType.CM, "brand_new_variable", 1), "brand_new_variable");
        assertEquals(MsiVariables.storeName(MsiProductType.AOT, "brand_new_variable", 2), "aot_brand_new_variable");
    }

    @Test
    void readsOnlyTheRequestedVariables() throws Exception {
        Swath s = MsiFrameReader.read(Samples.frameD(), Set.of("isccp_cloud_type", "cop_quality_status", "cloud_mask"));
        assertEquals(List.of("cloud_mask", "cop_quality_status", "isccp_cloud_type"),
                s.variables().stream().map(SwathVariable::name).toList());
        Swath all = MsiFrameReader.read(Samples.frameD(), null);
        assertArrayEquals((byte[]) byName(all).get("isccp_cloud_type").values(), (byte[]) byName(s).get("isccp_cloud_type").values());
        FormatException e = assertThrows(FormatException.class, () -> MsiFrameReader.read(Samples.frameD(), Set.of("quality_status")));
        assertTrue(e.getMessage().contains("no variable quality_status") && e.getMessage().contains("cm_quality_status")
                && e.getMessage().contains("viewing_zenith_angle"), e.getMessage());
        assertEquals(0, MsiFrameReader.read(Samples.frameD(), Set.of()).variables().size());
    }

    @Test
    void zipAndH5GiveIdenticalSwaths() throws Exception {
        Swath h5 = MsiFrameReader.read(Samples.frameD(), null);
        for (boolean stored : new boolean[] {true, false}) {
            Path dir = Files.createDirectories(tmp.resolve(stored ? "stored" : "deflated"));
            List<Path> zips = new ArrayList<>();
            for (Path p : Samples.frameD()) zips.add(Samples.zipProduct(p, dir, stored));
            Swath zip = MsiFrameReader.read(zips, null);
            assertSameContent(h5, zip);
            try (ProductFile pf = ProductFile.open(zips.get(0))) {
                assertEquals(!stored, pf.inflated, "a stored entry is mapped in place, a deflated one inflated");
            }
        }
    }

    static void assertSameContent(Swath a, Swath b) {
        assertEquals(a.id(), b.id());
        assertEquals(a.rows(), b.rows());
        assertEquals(a.cols(), b.cols());
        assertArrayEquals(a.latitude(), b.latitude());
        assertArrayEquals(a.longitude(), b.longitude());
        assertEquals(a.globalAttributes(), b.globalAttributes());
        assertEquals(a.variables().size(), b.variables().size());
        for (int i = 0; i < a.variables().size(); i++) {
            SwathVariable x = a.variables().get(i);
            SwathVariable y = b.variables().get(i);
            assertEquals(x.name(), y.name());
            assertEquals(x.dataType(), y.dataType());
            assertEquals(x.kind(), y.kind());
            assertEquals(x.fillValue(), y.fillValue());
            assertEquals(x.attributes(), y.attributes());
            assertEquals(Array.getLength(x.values()), Array.getLength(y.values()));
            for (int k = 0; k < Array.getLength(x.values()); k++) {
                assertEquals(Array.get(x.values(), k), Array.get(y.values(), k), x.name() + "[" + k + "]");
            }
        }
    }

    /** Compares every variable against h5py: data type, shape, fill count, sum of valid values, spot values. */
    @Test
    void matchesAnIndependentH5pyReading() throws Exception {
        ExternalTools.requirePython("h5py", "numpy");
        for (List<Path> frame : List.of(Samples.frameD(), Samples.frameA())) {
            List<String> cmd = new ArrayList<>(List.of(ExternalTools.PYTHON,
                    Path.of(getClass().getResource("/earthcare-oracle/msi_oracle.py").toURI()).toString()));
            frame.forEach(p -> cmd.add(p.toString()));
            JsonNode o = new ObjectMapper().readTree(ExternalTools.runOk(cmd, Map.of()));
            Swath s = MsiFrameReader.read(frame, null);
            Map<String, SwathVariable> vars = byName(s);
            assertEquals(o.get("rows").asInt(), s.rows());
            assertEquals(o.get("cols").asInt(), s.cols());
            assertEquals(o.get("geolocated").asLong(), geolocated(s));
            JsonNode first = o.get("first_geo");
            int k = first.get(0).asInt() * s.cols() + first.get(1).asInt();
            assertEquals(first.get(2).asDouble(), s.latitude()[k]);
            assertEquals(first.get(3).asDouble(), s.longitude()[k]);
            int checked = 0;
            for (var product : (Iterable<Map.Entry<String, JsonNode>>) o.get("products")::fields) {
                MsiProductType type = MsiProductType.fromCode(product.getKey()).orElseThrow();
                for (var f : (Iterable<Map.Entry<String, JsonNode>>) product.getValue()::fields) {
                    String store = MsiVariables.storeName(type, f.getKey(), 1);
                    SwathVariable v = vars.get(store);
                    JsonNode facts = f.getValue();
                    String where = product.getKey() + "/" + f.getKey();
                    assertEquals(facts.get("dtype").asText(), v.dataType(), where);
                    assertEquals(facts.get("shape").get(0).asInt() * facts.get("shape").get(1).asInt(), v.length(), where);
                    int fills = 0;
                    double sum = 0;
                    for (int i = 0; i < v.length(); i++) {
                        Number x = (Number) Array.get(v.values(), i);
                        if (x.equals(v.fillValue())) fills++;
                        else sum += x.doubleValue();
                    }
                    assertEquals(facts.get("fill_count").asInt(), fills, where);
                    assertEquals(facts.get("sum").asDouble(), sum, 1e-9 * Math.max(1, Math.abs(sum)), where);
                    for (JsonNode spot : facts.get("spots")) {
                        int idx = spot.get(0).asInt() * s.cols() + spot.get(1).asInt();
                        assertEquals(spot.get(2).asDouble(), ((Number) Array.get(v.values(), idx)).doubleValue(), where + " " + spot);
                    }
                    for (JsonNode a : facts.get("attrs")) {
                        String name = a.asText();
                        if (!name.startsWith("_")) assertTrue(v.attributes().containsKey(name), where + " attribute " + name);
                    }
                    checked++;
                }
            }
            assertEquals(ALL.length - 2, checked, "every file variable checked");
            byte[] isccp = (byte[]) vars.get("isccp_cloud_type").values();
            int notFill = 0;
            for (byte b : isccp) if (b != IsccpCloudType.MISSING) notFill++;
            // the samples have no clear COT (< 0.01), so every typed pixel has both inputs valid
            assertTrue(notFill <= o.get("cop_both_valid").asInt() && notFill > 0, notFill + " vs " + o.get("cop_both_valid"));
        }
    }

    static long geolocated(Swath s) {
        long n = 0;
        for (int i = 0; i < s.pixels(); i++) {
            if (Math.abs(s.latitude()[i]) <= 90 && Double.isFinite(s.longitude()[i])) n++;
        }
        return n;
    }

    @Test
    void productsOfDifferentFramesOrTwiceOneType() throws Exception {
        InconsistentDataException e = assertThrows(InconsistentDataException.class,
                () -> MsiFrameReader.read(List.of(Samples.h5(MsiProductType.CM), Samples.zip(MsiProductType.COP)), null));
        assertTrue(e.getMessage().contains("06109D") && e.getMessage().contains("06110A")
                && e.getMessage().contains(Samples.zip(MsiProductType.COP).toString()), e.getMessage());
        Path zip = Samples.zipProduct(Samples.h5(MsiProductType.CM), tmp, true);
        assertThrows(InconsistentDataException.class, () -> MsiFrameReader.read(List.of(Samples.h5(MsiProductType.CM), zip), null));
        assertThrows(FormatException.class, () -> MsiFrameReader.read(List.of(), null));
    }

    @Test
    void noLeftoverThreadsOrOpenFiles() throws Exception {
        for (int i = 0; i < 3; i++) MsiFrameReader.read(Samples.frameD(), null);
        Thread.sleep(100);
        long decoders = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("msi-decode")).count();
        assertEquals(0, decoders);
    }
}
