package org.healpixzarr.dggs;

/** Names and constants of the DGGS-Zarr layout v1 (see docs/format.md). */
final class StoreLayout {
    /** Version of this project's layout, recorded in {@code healpix_zarr.layout_version}. */
    static final int VERSION = 1;
    /** Root attribute holding the project's facts. */
    static final String FACTS = "healpix_zarr";
    /** Group of the chunk index. */
    static final String INDEX_GROUP = "index";
    /** uint64 [chunks, 2]: first and last cell id of every chunk of cell_ids. */
    static final String CHUNK_BOUNDS = "index/chunk_bounds";
    /** Depth of the cells whose vertices bound the store's bounding box (~6 km). */
    static final int BBOX_DEPTH = 10;

    private StoreLayout() {}
}
