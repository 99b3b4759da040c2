#!/usr/bin/env bash
# Benchmark: 256x256 EPSG:3857 reads of one variable through the SIS coverage API on the store of one
# full-size EarthCARE MSI L2A frame (11216 x 357 pixels), at three zooms (whole frame, 50 km, 1 km).
# Needs: JDK 17 + Maven, Debian python3-numpy python3-h5py (the frame generator).
# Usage: bench/coverage_read.sh [WORKDIR]   (the frame and its store are shared with bench/earthcare_frame.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
WORK=${1:-/tmp/healpix-zarr-bench}
mkdir -p "$WORK"
JAR=gt-healpix-zarr/target/healpix-zarr.jar
BJAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] && [ -f "$BJAR" ] || mvn -q -B -DskipTests package
. bench/frame.sh
[ -d "$WORK/ours.zarr" ] || java -jar "$JAR" convert earthcare "$FRAME" -o "$WORK/ours.zarr" -q --no-stac
java -jar "$BJAR" CoverageReadBenchmark -p store="$WORK/ours.zarr" -f 1 -wi 3 -w 3s -i 5 -r 4s
