package org.healpixzarr.dggs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.healpixzarr.healpix.Ellipsoid;

/**
 * The zarr-conventions {@code dggs} convention (v1, uuid {@value #UUID}) as this project writes and
 * checks it: the {@code zarr_conventions} entry and the {@code dggs} object of a group, with exactly the
 * keys the convention defines for HEALPix (xdggs rejects extra keys). Stateless and thread-safe.
 */
public final class DggsConvention {
    /** The convention's identifier. */
    public static final String UUID = "7b255807-140c-42ca-97f6-7a1cfecdbc38";
    /** The name of the spatial dimension of every array of a store. */
    public static final String DIMENSION = "cells";
    /** The name of the coordinate array holding the cell ids. */
    public static final String COORDINATE = "cell_ids";

    private static final Set<String> KEYS = Set.of("name", "refinement_level", "indexing_scheme", "ellipsoid",
            "spatial_dimension", "coordinate", "compression");

    private DggsConvention() {}

    /** The entry of the {@code zarr_conventions} list that declares the convention. */
    public static Map<String, Object> conventionEntry() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_url", "https://raw.githubusercontent.com/zarr-conventions/dggs/refs/tags/v1/schema.json");
        m.put("spec_url", "https://github.com/zarr-conventions/dggs/blob/v1/README.md");
        m.put("uuid", UUID);
        m.put("name", "dggs");
        m.put("description", "Discrete Global Grid Systems convention for zarr");
        return m;
    }

    /**
     * The {@code dggs} object for a nested HEALPix grid.
     *
     * @param ellipsoid the reference body
     * @param depth     the refinement level, 0..29
     * @return a new mutable map, keys in the convention's order
     */
    public static Map<String, Object> dggsObject(Ellipsoid ellipsoid, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "healpix");
        m.put("refinement_level", depth);
        m.put("indexing_scheme", "nested");
        m.put("ellipsoid", ellipsoidObject(ellipsoid));
        m.put("spatial_dimension", DIMENSION);
        m.put("coordinate", COORDINATE);
        m.put("compression", "none");
        return m;
    }

    static Map<String, Object> ellipsoidObject(Ellipsoid ellipsoid) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (ellipsoid == Ellipsoid.WGS84) {
            e.put("name", "WGS84");
            e.put("semi_major_axis", 6378137.0);
            e.put("inverse_flattening", 298.257223563);
        } else {
            e.put("name", "sphere");
            e.put("radius", ellipsoid.semiMajorAxis());
        }
        return e;
    }

    /**
     * Reads back the ellipsoid of a {@code dggs} object.
     *
     * @return the ellipsoid, or {@code null} if it is neither WGS84 nor a sphere of this project
     */
    static Ellipsoid ellipsoidOf(Object ellipsoid) {
        if (!(ellipsoid instanceof Map)) return null;
        Map<?, ?> e = (Map<?, ?>) ellipsoid;
        if (e.containsKey("radius")) return Ellipsoid.SPHERE;
        if (num(e.get("semi_major_axis")) == 6378137.0 && num(e.get("inverse_flattening")) == 298.257223563) {
            return Ellipsoid.WGS84;
        }
        return null;
    }

    private static double num(Object o) {
        return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;
    }

    /**
     * Checks the attributes of a group against the convention.
     *
     * @param attributes the group attributes
     * @param where      the object name used in the messages
     * @return the problems found, empty if it conforms
     */
    public static List<String> check(Map<String, Object> attributes, String where) {
        List<String> problems = new ArrayList<>();
        Object conv = attributes.get("zarr_conventions");
        boolean declared = false;
        if (conv instanceof List) {
            for (Object o : (List<?>) conv) {
                if (o instanceof Map && UUID.equals(((Map<?, ?>) o).get("uuid"))) declared = true;
            }
        }
        if (!declared) problems.add(where + ": zarr_conventions does not declare the dggs convention (uuid " + UUID + ")");
        Object d = attributes.get("dggs");
        if (!(d instanceof Map)) {
            problems.add(where + ": attribute 'dggs' missing or not an object");
            return problems;
        }
        Map<?, ?> dggs = (Map<?, ?>) d;
        for (Object k : dggs.keySet()) {
            if (!KEYS.contains(k)) problems.add(where + ": dggs has a key the convention does not define: '" + k + "'");
        }
        expect(problems, where, dggs, "name", "healpix");
        expect(problems, where, dggs, "indexing_scheme", "nested");
        expect(problems, where, dggs, "spatial_dimension", DIMENSION);
        expect(problems, where, dggs, "coordinate", COORDINATE);
        expect(problems, where, dggs, "compression", "none");
        Object level = dggs.get("refinement_level");
        if (!(level instanceof Integer || level instanceof Long) || ((Number) level).longValue() < 0
                || ((Number) level).longValue() > 29) {
            problems.add(where + ": dggs.refinement_level must be an integer in 0..29, found " + level);
        }
        if (dggs.containsKey("ellipsoid") && ellipsoidOf(dggs.get("ellipsoid")) == null) {
            problems.add(where + ": dggs.ellipsoid must be WGS84 (6378137.0, 298.257223563) or a sphere, found "
                    + dggs.get("ellipsoid"));
        }
        return problems;
    }

    private static void expect(List<String> problems, String where, Map<?, ?> dggs, String key, String value) {
        if (!Objects.equals(dggs.get(key), value)) {
            problems.add(where + ": dggs." + key + " must be \"" + value + "\", found " + dggs.get(key));
        }
    }
}
