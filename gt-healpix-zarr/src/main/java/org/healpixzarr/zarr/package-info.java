/**
 * A self-contained Zarr implementation: v3 (groups, arrays, {@code bytes}, {@code zstd},
 * {@code gzip}, {@code crc32c} and {@code sharding_indexed} codecs, regular chunk grid, default
 * chunk key encoding) and v2 without sharding (compressors zstd, gzip, zlib-read), on a
 * {@link org.healpixzarr.zarr.Store} such as the {@link org.healpixzarr.zarr.FileSystemStore},
 * with {@link org.healpixzarr.zarr.AtomicStoreWriter} for all-or-nothing publication of a store.
 *
 * <p>Entry points: {@link org.healpixzarr.zarr.ArrayMetadata#builder},
 * {@link org.healpixzarr.zarr.ZarrArray#create}/{@link org.healpixzarr.zarr.ZarrArray#open},
 * {@link org.healpixzarr.zarr.ZarrGroup}. Damaged data raise
 * {@link org.healpixzarr.CorruptDataException}, invalid or unsupported metadata
 * {@link org.healpixzarr.FormatException}, both naming the store key concerned.
 */
package org.healpixzarr.zarr;
