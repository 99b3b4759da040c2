package org.healpixzarr.zarr;

/**
 * The compressor applied to each (inner) chunk. Levels: ZSTD 1..22 (negative fast levels are
 * allowed too, 0 means zstd's default 3), GZIP 0..9; NONE ignores the level.
 */
public enum Compression {
    /** No compression. */
    NONE,
    /** Zstandard ({@code zstd} codec in v3, numcodecs {@code zstd} in v2). */
    ZSTD,
    /** Gzip, RFC 1952 ({@code gzip} codec in v3, numcodecs {@code gzip} in v2). */
    GZIP
}
