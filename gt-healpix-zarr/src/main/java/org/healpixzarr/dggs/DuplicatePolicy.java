package org.healpixzarr.dggs;

/** What the writer does when two observations fall in the same cell. Either way they are counted and reported. */
public enum DuplicatePolicy {
    /** Keep the observation added first (in input order), count the others as collisions. */
    KEEP_FIRST,
    /** Fail with a {@link org.healpixzarr.CollisionException} naming the cell and both input rows. */
    FAIL
}
