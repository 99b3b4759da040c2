#!/usr/bin/env bash
# Benchmark: TESSERA embedding tiles -> partitioned DGGS-Zarr (convert tessera).
#   1. one full-size Arctic tile, grid_-99.95_80.05 (1119 x 211 x 128, the narrow tile of the fixtures README)
#   2. a 3 x 3 block of full-size tiles around it (-100.05..-99.85 E, 79.95..80.15 N)
#   3. one mid-latitude tile, grid_11.55_49.05 (1136 x 768 x 128, 115 MB: the size the issue bounds memory for)
# Generated with the shared make_tessera.py (Debian python3-numpy python3-pyproj python3-gdal), converted with
# the jar; prints input MB, wall s, CPU s (user + sys), "MB/s per CPU s" (input / CPU time: the historical "MB/s per
# core" of docs/performance.md), "MB/s per core (wall)" (input / (wall x cores the JVM may use)), peak RSS (GNU time)
# and the 1-minute load average before the run (the machine is shared: CPU time inflates under load); then the steady
# rate: each input converted again and again in one JVM, with the median "MB/s per CPU s" of the 4th run on and of
# the second half of the runs.
# Usage: [BIG=1] bench/tessera_tiles.sh [WORKDIR] [RUNS]   (RUNS of each input, default 3; BIG=1 adds a 6 x 6 block)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
WORK=${1:-/tmp/healpix-zarr-bench-tessera}
RUNS=${2:-3}
CORES=$(nproc)
mkdir -p "$WORK"
JAR=gt-healpix-zarr/target/healpix-zarr.jar
[ -f "$JAR" ] || mvn -q -B -o -DskipTests package -pl gt-healpix-zarr
GEN=$SHARED/fixtures/make_tessera.py

gen() { # dir, tile args...
  local d=$1; shift
  if [ ! -f "$d/done" ]; then
    rm -rf "$d"
    /usr/bin/python3 "$GEN" "$d" --year 2024 "$@" > "$d.gen.log"
    touch "$d/done"
  fi
}
gen "$WORK/one" --tile -99.95 80.05
block=()
for lon in -100.05 -99.95 -99.85; do for lat in 79.95 80.05 80.15; do block+=(--tile "$lon" "$lat"); done; done
gen "$WORK/block" "${block[@]}"
gen "$WORK/mid" --tile 11.55 49.05
if [ "${BIG:-0}" = 1 ]; then # 6 x 6 full tiles (-100.3..-99.7 E, 79.8..80.4 N, ~1.1 GB): start-up amortised
  big=()
  for lon in -100.25 -100.15 -100.05 -99.95 -99.85 -99.75; do
    for lat in 79.85 79.95 80.05 80.15 80.25 80.35; do big+=(--tile "$lon" "$lat"); done
  done
  gen "$WORK/big" "${big[@]}"
fi

run() { # name, input dir
  local name=$1 in=$2
  local in_bytes
  in_bytes=$(find "$in/global_0.1_degree_representation" -name '*.npy' -printf '%s\n' | awk '{s+=$1} END {print s}')
  rm -rf "$WORK/$name.out"
  sync
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.time" \
    java -jar "$JAR" convert tessera "$in" --year 2024 -o "$WORK/$name.out" > "$WORK/$name.log" 2> "$WORK/$name.err" || {
      echo "$name failed:"; cat "$WORK/$name.err"; exit 1; }
  read -r wall user sys rss < "$WORK/$name.time"
  awk -v n="$name" -v b="$in_bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v c="$CORES" -v l="$load" 'BEGIN {
    mb = b / 1e6; cpu = u + s;
    printf "| %s | %.1f | %.2f | %.2f | %.1f | %.1f | %.1f | %d | %s |\n", n, mb, w, cpu, mb / w, mb / cpu, mb / (w * c), r / 1024, l }'
  grep -E 'tiles read|cells written|partitions' "$WORK/$name.log" | sed 's/^/    /' >&2
}
echo "| input | input MB (npy) | wall s | CPU s | MB/s (wall) | MB/s per CPU s | MB/s per core (wall x $CORES) | peak RSS MB | load |"
echo "|---|---|---|---|---|---|---|---|---|"
for i in $(seq 1 "$RUNS"); do run one-tile "$WORK/one"; done
for i in $(seq 1 "$RUNS"); do run 3x3-tiles "$WORK/block"; done
for i in $(seq 1 "$RUNS"); do run mid-tile "$WORK/mid"; done
if [ "${BIG:-0}" = 1 ]; then for i in $(seq 1 "$RUNS"); do run 6x6-tiles "$WORK/big"; done; fi

# the steady rate: the same conversion repeated in one JVM (one tile, the 3 x 3 block, the mid-latitude tile, each in
# its own JVM). The first runs pay start-up (class loading, JIT compilation, heap growth); from the 4th on, the runs
# show the rate a long conversion (many tiles) approaches, and the second half of the runs the rate once compilation
# has settled (one tile: ~10 runs). CPU time is the whole process's (every thread, JIT and GC included) over the run;
# the output is deleted between runs, outside the measured time.
cat > "$WORK/TesseraWarm.java" <<'JAVA'
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import org.healpixzarr.convert.TesseraConverter;
public class TesseraWarm {
    public static void main(String[] a) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String name = a[0];
        double mb = Double.parseDouble(a[3]);
        int runs = Integer.parseInt(a[4]);
        double[] rate = new double[runs];
        for (int i = 1; i <= runs; i++) {
            Path out = Path.of(a[2]);
            long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            TesseraConverter.convert(Path.of(a[1]), out, new TesseraConverter.Options(2024, null, false, 256L << 20, null));
            double cpu = (os.getProcessCpuTime() - c0) / 1e9, wall = (System.nanoTime() - t0) / 1e9;
            rate[i - 1] = mb / cpu;
            System.out.printf("| %s, run %d in one JVM | %.1f | %.2f | %.2f | %.1f | %.1f |%n", name, i, mb, wall, cpu, mb / wall, mb / cpu);
            try (var s = Files.walk(out)) { for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p); }
        }
        summary(name, rate, 4);
        summary(name, rate, runs / 2 + 1); // the compiler has usually settled by then
    }

    static void summary(String name, double[] rate, int from) {
        double[] steady = Arrays.copyOfRange(rate, from - 1, rate.length);
        Arrays.sort(steady);
        System.out.printf("| %s, runs %d-%d: median (min-max) | | | | | **%.1f** (%.1f-%.1f) |%n", name, from,
                rate.length, steady[steady.length / 2], steady[0], steady[steady.length - 1]);
    }
}
JAVA
mb_of() { find "$1/global_0.1_degree_representation" -name '*.npy' -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1e6}'; }
echo
echo "| input | input MB (npy) | wall s | CPU s | MB/s (wall) | MB/s per CPU s |"
echo "|---|---|---|---|---|---|"
java -cp "$JAR" "$WORK/TesseraWarm.java" one-tile "$WORK/one" "$WORK/warm.out" "$(mb_of "$WORK/one")" 20 2> "$WORK/warm-one.err"
java -cp "$JAR" "$WORK/TesseraWarm.java" 3x3-tiles "$WORK/block" "$WORK/warm.out" "$(mb_of "$WORK/block")" 9 2> "$WORK/warm.err"
java -cp "$JAR" "$WORK/TesseraWarm.java" mid-tile "$WORK/mid" "$WORK/warm.out" "$(mb_of "$WORK/mid")" 12 2> "$WORK/warm-mid.err"
