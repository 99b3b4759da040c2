package org.healpixzarr.input.earthcare;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The variable names of the known MSI Level-2A product types (per the fixtures README and the real
 * products), which decide the disambiguation of store names independently of which products are given.
 */
final class MsiVariables {
    private MsiVariables() {}

    /** Names of the derived variables and the time, which are not taken from a product under their own name. */
    static final String TIME = "time";
    static final String ISCCP = "isccp_cloud_type";
    static final String COT = "cloud_optical_thickness";
    static final String CTH = "cloud_top_height";

    private static final Map<MsiProductType, Set<String>> KNOWN = new EnumMap<>(MsiProductType.class);

    static {
        KNOWN.put(MsiProductType.CM, Set.of("cloud_mask", "cloud_type", "cloud_phase", "quality_status",
                "cloud_mask_quality_status", "cloud_type_quality_status", "cloud_phase_quality_status",
                "surface_classification"));
        KNOWN.put(MsiProductType.COP, Set.of("cloud_optical_thickness", "cloud_optical_thickness_error",
                "cloud_effective_radius", "cloud_effective_radius_error", "cloud_water_path", "cloud_water_path_error",
                "cloud_top_pressure", "cloud_top_pressure_error", "cloud_top_temperature", "cloud_top_temperature_error",
                "cloud_top_height", "cloud_top_height_error", "quality_status"));
        KNOWN.put(MsiProductType.AOT, Set.of("aerosol_optical_thickness_670nm", "aerosol_optical_thickness_670nm_error",
                "aerosol_optical_thickness_865nm", "aerosol_optical_thickness_865nm_error",
                "angstrom_parameter_670nm_865nm", "angstrom_parameter_355nm_670nm", "surface_reflectance_670nm",
                "surface_reflectance_670nm_error", "viewing_zenith_angle", "quality_mask", "quality_status"));
    }

    /** For each known name, the known types that have it. */
    private static final Map<String, Set<MsiProductType>> OWNERS = new HashMap<>();

    static {
        KNOWN.forEach((type, names) -> names.forEach(n -> OWNERS.computeIfAbsent(n, k -> EnumSet.noneOf(MsiProductType.class)).add(type)));
    }

    /**
     * Whether a file variable name must be prefixed with the product's short type.
     *
     * @param fileName        the name in the file
     * @param productsHavingIt how many of the products being read have a 2-D/3-D variable of that name
     * @return true for a name that more than one known type has; for a name no known type lists, true if
     *         more than one given product has it; true also for the reserved names {@code time},
     *         {@code isccp_cloud_type}, {@code latitude}, {@code longitude}
     */
    static boolean needsPrefix(String fileName, int productsHavingIt) {
        if (fileName.equals(TIME) || fileName.equals(ISCCP) || fileName.equals("latitude") || fileName.equals("longitude")) {
            return true;
        }
        Set<MsiProductType> owners = OWNERS.get(fileName);
        return owners != null ? owners.size() > 1 : productsHavingIt > 1;
    }

    /** The store name: {@code <type>_<name>} (e.g. {@code cop_quality_status}) or the file name itself. */
    static String storeName(MsiProductType type, String fileName, int productsHavingIt) {
        return needsPrefix(fileName, productsHavingIt) ? type.prefix() + "_" + fileName : fileName;
    }
}
