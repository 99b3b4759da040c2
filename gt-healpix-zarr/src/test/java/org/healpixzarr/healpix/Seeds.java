package org.healpixzarr.healpix;

/** Logged, overridable seeds for property tests: -Dhealpix.seed=N reproduces a run. */
final class Seeds {
    private Seeds() {}

    static long seed(String test) {
        Long fixed = Long.getLong("healpix.seed");
        long seed = fixed != null ? fixed : System.nanoTime() ^ test.hashCode();
        System.out.println("[" + test + "] seed = " + seed + " (rerun with -Dhealpix.seed=" + seed + ")");
        return seed;
    }
}
