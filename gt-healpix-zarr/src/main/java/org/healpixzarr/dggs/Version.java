package org.healpixzarr.dggs;

/** The software version recorded in stores: the jar's Implementation-Version, or "dev" when run from classes. */
final class Version {
    private Version() {}

    static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
