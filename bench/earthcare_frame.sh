#!/usr/bin/env bash
# Benchmark: one full-size EarthCARE MSI L2A frame (11216 x 384 pixels, 4,004,112 geolocated),
# healpix-zarr's converter and the Python sparse pipeline (../shared/bench) side by side, same run.
# Needs: JDK 17 + Maven, Debian python3-numpy python3-h5py python3-healpy python3-zarr, GNU time.
# Usage: bench/earthcare_frame.sh [WORKDIR]     (prints a Markdown table for docs/performance.md)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
WORK=${1:-/tmp/healpix-zarr-bench}
mkdir -p "$WORK"
JAR=gt-healpix-zarr/target/healpix-zarr.jar
BJAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] && [ -f "$BJAR" ] || mvn -q -B -DskipTests package
. bench/frame.sh
in_bytes=$(cat "$FRAME"/*.h5 | wc -c)
sync

measure() { # name, command... -> wall seconds and peak RSS (MB) from GNU time
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || {
    echo "$name failed:"; cat "$WORK/$name.err"; exit 1; }
  read -r wall rss < "$WORK/$name.time"
  echo "$wall $((rss / 1024))"
}
count() { find "$1" -type f | wc -l; }
bytes() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s}'; }

# 1. read only: all input variables of the three products (JVM start included)
read -r r_wall r_rss <<<"$(measure read java -cp "$BJAR" org.healpixzarr.bench.ReadFrame "$FRAME")"
r_inner=$(grep -o 'read [0-9.]*' "$WORK/read.out" | awk '{print $2}')
# 2. healpix-zarr convert (whole process)
rm -rf "$WORK/ours.zarr"
read -r o_wall o_rss <<<"$(measure ours java -jar "$JAR" convert earthcare "$FRAME" -o "$WORK/ours.zarr" -q)"
o_obj=$(count "$WORK/ours.zarr"); o_bytes=$(bytes "$WORK/ours.zarr")
java -jar "$JAR" validate "$WORK/ours.zarr" > /dev/null
# 3. the Python sparse pipeline
rm -rf "$WORK/peer.zarr"
read -r p_wall p_rss <<<"$(measure peer /usr/bin/python3 "$SHARED/bench/py_sparse_peer.py" "$FRAME" "$WORK/peer.zarr")"
p_obj=$(count "$WORK/peer.zarr"); p_bytes=$(bytes "$WORK/peer.zarr")
p_line=$(cat "$WORK/peer.out")

cells=$(java -jar "$JAR" info --json "$WORK/ours.zarr" | awk -F': ' '/"cells"/ {gsub(/,/,"",$2); print $2; exit}')
echo "| measure | healpix-zarr | Python sparse peer |"
echo "|---|---|---|"
echo "| wall time, whole process (s) | $o_wall | $p_wall |"
echo "| peak RSS (MB) | $o_rss | $p_rss |"
echo "| objects written | $o_obj | $p_obj |"
echo "| bytes written (input $in_bytes) | $o_bytes ($(awk "BEGIN{printf \"%.2f\", $o_bytes/$in_bytes}")x) | $p_bytes ($(awk "BEGIN{printf \"%.2f\", $p_bytes/$in_bytes}")x) |"
echo "| read all input variables only (s) | $r_inner in-process, $r_wall with JVM start | peer's own split: $p_line |"
echo "| cells written | $cells | |"
