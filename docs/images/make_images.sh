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

# TESSERA embeddings: one band per colour map, and the PCA view when the store carries the 'pca' attribute
if hz convert tessera "$root/gt-healpix-zarr/src/test/resources/tessera" --year 2024 -o "$work/tessera" >/dev/null 2>"$work/tessera.err"; then
  store=$(find "$work/tessera" -name '*.zarr' -maxdepth 4 | sort | head -1)
  hz render "$store" --var embeddings --style band0 --size 512 --legend -o "$here/tessera_band0.png"
  hz render "$store" --var embeddings --style magma:band7 --size 512 --legend -o "$here/tessera_band7_magma.png"
  if hz render "$store" --var embeddings --style pca --size 512 --legend -o "$here/tessera_pca.png" 2>/dev/null; then :; else
    echo "note: no 'pca' attribute on $store/embeddings: tessera_pca.png not made" >&2
  fi
else
  echo "note: TESSERA conversion failed, TESSERA pictures not made: $(cat "$work/tessera.err")" >&2
fi
ls -l "$here"/*.png
