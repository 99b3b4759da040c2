#!/usr/bin/env bash
# Regenerates the pictures of docs/rendering.md with the 'render' command.
#
#   docs/images/make_images.sh
#
# EarthCARE: the full-size synthetic frame 06109D (11216 x 357 pixels) made by ../shared/fixtures/make_earthcare_msi.py
# when that generator is there (Debian python3-numpy, python3-h5py), else the 200 x 43 sample of the test resources.
# TESSERA: the four sample tiles of the test resources.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=$root/gt-healpix-zarr/target/healpix-zarr.jar
[ -f "$jar" ] || (cd "$root" && mvn -q -B -DskipTests install)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hz() { java -jar "$jar" "$@"; }

gen=$root/../shared/fixtures/make_earthcare_msi.py
if [ -f "$gen" ]; then
  /usr/bin/python3 "$gen" "$work/in" >/dev/null
  src=$work/in
else
  echo "note: $gen not found, using the small test sample" >&2
  src=$root/gt-healpix-zarr/src/test/resources/earthcare
fi
stem=20250625T135845Z_20250929T143920Z_06109D
hz convert earthcare "$src/ECA_EXBA_MSI_CM__2A_$stem.h5" -o "$work/cm.zarr" --no-stac >/dev/null
hz convert earthcare "$src/ECA_EXBA_MSI_COP_2A_$stem.h5" -o "$work/cop.zarr" --no-stac >/dev/null

# the whole frame (default box: the store's; longer side 1024 px), then a zoom in Web Mercator
hz render "$work/cop.zarr" --var cloud_top_height --legend -o "$here/earthcare_cloud_top_height.png"
hz render "$work/cm.zarr" --var cloud_mask --legend -o "$here/earthcare_cloud_mask.png"
hz render "$work/cop.zarr" --var isccp_cloud_type --bbox 3,37.5,9,42.5 --size 600 --crs EPSG:3857 --legend \
  -o "$here/earthcare_isccp_cloud_type_zoom.png"
hz render "$work/cm.zarr" --var cloud_type --bbox 3,37.5,9,42.5 --size 600 --crs EPSG:3857 --legend \
  -o "$here/earthcare_cloud_type_zoom.png"
hz render "$work/cop.zarr" --var cloud_top_height --style magma --range 6000,12000 --bbox 3,37.5,9,42.5 --size 600 \
  --crs EPSG:3857 --background '#202020' -o "$here/earthcare_cloud_top_height_zoom_magma.png"

# TESSERA embeddings: one band per colour map, and the PCA view when the store carries the 'pca' attribute.
# One full tile (0.15 E 52.05 N, ~690 x 1100 pixels at 10 m) from ../shared/fixtures/make_tessera.py when it is there
# (Debian python3-numpy python3-pyproj python3-gdal); else the test samples, cropped to 64 x 48 pixels of their tiles,
# which fill only a corner of the tile's box.
tgen=$root/../shared/fixtures/make_tessera.py
tbox=()
if [ -f "$tgen" ] && /usr/bin/python3 "$tgen" "$work/tin" --tile 0.15 52.05 >/dev/null 2>&1; then
  tsrc=$work/tin
  tbox=(--bbox 0.1,52.0,0.2,52.1) # the tile's box (a store's bbox is conservative by up to ~6 km)
else
  echo "note: $tgen unusable, using the cropped test samples" >&2
  tsrc=$root/gt-healpix-zarr/src/test/resources/tessera
fi
if hz convert tessera "$tsrc" --year 2024 -o "$work/tessera" >/dev/null 2>"$work/tessera.err"; then
  # the tile straddles two depth-8 partitions: draw the larger partition store
  store=$(du -s $(find "$work/tessera" -name '*.zarr' -maxdepth 4) | sort -n | tail -1 | cut -f2)
  hz render "$store" --var embeddings --style band0 --size 300 "${tbox[@]}" --legend -o "$here/tessera_band0.png"
  hz render "$store" --var embeddings --style magma:band7 --size 300 "${tbox[@]}" --legend -o "$here/tessera_band7_magma.png"
  if hz render "$store" --var embeddings --style pca --size 300 "${tbox[@]}" --legend -o "$here/tessera_pca.png" 2>/dev/null; then :; else
    echo "note: no 'pca' attribute on $store/embeddings: tessera_pca.png not made" >&2
  fi
else
  echo "note: TESSERA conversion failed, TESSERA pictures not made: $(cat "$work/tessera.err")" >&2
fi
ls -l "$here"/*.png

# earthcare_native_level_holes.png (docs/rendering.md) is made from the full-size frame of the benchmarks
# (bench/frame.sh, store /tmp/healpix-zarr-wms/stores/frame.zarr of bench/wms_load.sh), not by this script:
#   overviews STORE --max-depth 29   (the old pyramid, from the native depth), then
#   render STORE --var viewing_zenith_angle --crs EPSG:3857 --bbox=11.25,60.0,14.0625,61.6 --size 256 -o old.png
#   overviews STORE                  (the default pyramid), the same render -o new.png; the two side by side.
