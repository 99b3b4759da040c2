#!/usr/bin/env bash
# Load test (issue 6): WMS 1.3.0 GetMap, 256x256 PNG web-map tiles (EPSG:3857) at random places and zooms 4..14
# over the full-size EarthCARE MSI frame, wrk -t2 -c8 for DURATION seconds, against
#   1. our server (java -jar healpix-zarr-server.jar serve), the frame converted to DGGS-Zarr (with overviews),
#      the layer published through the REST API;
#   2. Debian's MapServer 8 behind lighttpd on loopback, FastCGI (mod_fastcgi, 2 mapserv processes: one per core),
#      serving the same variable exported by `healpix-zarr export` to a GeoTIFF in EPSG:4326 at about the native
#      resolution, then tiled 256x256 and given GDAL overviews (the usual production preparation);
#   3. optionally the same MapServer as plain CGI (mod_cgi, one process per request), for CGI_DURATION seconds.
# Same request list (bench/wms/tiles.py, fixed seed), same linear grey colour range, same run.
# Needs: JDK 17 + Maven, Debian wrk lighttpd cgi-mapserver gdal-bin python3-h5py python3-numpy, curl.
# Usage: bench/wms_load.sh [WORKDIR]   env: DURATION (60) CGI_DURATION (30, 0 = skip) VAR (viewing_zenith_angle)
#        PORT (18080) MS_PORT (18081) COUNT (50000 requests in the list) JFR=1 (record a JFR profile of our run:
#        execution samples only, bench/wms/samples.jfc) JAR, SJAR (the CLI and server jars; default: the build's)
# Prints a Markdown table for docs/performance.md; everything it starts is stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
SHARED=${SHARED:-$(cd .. && pwd)/shared}
WORK=$(mkdir -p "${1:-/tmp/healpix-zarr-wms}" && cd "${1:-/tmp/healpix-zarr-wms}" && pwd)
DURATION=${DURATION:-60}
CGI_DURATION=${CGI_DURATION:-30}
VAR=${VAR:-viewing_zenith_angle}
PORT=${PORT:-18080}
MS_PORT=${MS_PORT:-18081}
COUNT=${COUNT:-50000}
PY=/usr/bin/python3
JAR=${JAR:-gt-healpix-zarr/target/healpix-zarr.jar}
SJAR=${SJAR:-geoserver-extension/target/healpix-zarr-server.jar}
[ -f "$JAR" ] && [ -f "$SJAR" ] || mvn -q -B -DskipTests package
log() { echo "# $*" >&2; }

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  # mapserv in FastCGI mode does not always stop on SIGTERM
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# --- data: frame, store, GeoTIFF, observation points ------------------------------------------------------------
PYTHON=$PY . bench/frame.sh
STORE=$WORK/stores/frame.zarr
if [ ! -f "$WORK/stores/done" ]; then
  log "converting (with overviews)"
  rm -rf "$WORK/stores" && mkdir -p "$WORK/stores"
  java -jar "$JAR" convert earthcare "$FRAME" -o "$STORE" -q
  touch "$WORK/stores/done"
fi
TIF=$WORK/$VAR-4326-tiled.tif
if [ ! -f "$TIF" ]; then
  # about the native resolution: 0.004 degree (445 m in latitude; the store's median spacing is ~455 m)
  read -r W S E N <<<"$(java -jar "$JAR" info "$STORE" | sed -n 's/^bbox: *\[\(.*\)\]/\1/p' | tr -d ',')"
  size=$(awk -v w="$W" -v s="$S" -v e="$E" -v n="$N" 'BEGIN{printf "%dx%d", (e-w)/0.004+0.5, (n-s)/0.004+0.5}')
  log "exporting $VAR to GeoTIFF EPSG:4326 $size"
  java -jar "$JAR" export "$STORE" --var "$VAR" --crs EPSG:4326 --size "$size" -o "$WORK/$VAR-4326.tif" >/dev/null
  gdal_translate -q -of GTiff -co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 "$WORK/$VAR-4326.tif" "$TIF.tmp"
  gdaladdo -q -r average "$TIF.tmp" 2 4 8 16 32 64
  mv "$TIF.tmp" "$TIF"
fi
POINTS=$WORK/points.txt
if [ ! -f "$POINTS" ]; then
  # observations: every 7th column of every 23rd row where the variable has a value
  $PY - "$FRAME" "$VAR" > "$POINTS" <<'EOF'
import glob, sys
import h5py, numpy as np
for p in sorted(glob.glob(sys.argv[1] + "/*.h5")):
    with h5py.File(p, "r") as f:
        sd = f["ScienceData"]
        if sys.argv[2] not in sd:
            continue
        v = sd[sys.argv[2]][::23, ::7]
        lon, lat = sd["longitude"][::23, ::7], sd["latitude"][::23, ::7]
        ok = np.isfinite(v) & (np.abs(v) < 1e30) & np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90)
        for x, y in zip(lon[ok], lat[ok]):
            print(f"{x:.6f} {y:.6f}")
        break
EOF
fi
[ -s "$POINTS" ] || { echo "no observation of $VAR in $FRAME" >&2; exit 1; }

# --- helpers ------------------------------------------------------------------------------------------------------
rss_mb() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
tree_pids() { # a process and its children (lighttpd and the mapserv processes it spawned)
  echo "$1"; pgrep -P "$1" || true
}
cpu_ticks() { # user+system clock ticks of the given processes (and their reaped children)
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat")))
  done
  echo "$t"
}
heap_used() { # "used/committed MB" of the G1 heap
  jcmd "$1" GC.heap_info | awk '/garbage-first heap/ {gsub(/[K,]/, "", $4); gsub(/[K,]/, "", $6); printf "%d / %d", $6 / 1024, $4 / 1024}'
}
wait_http() { # url: wait up to 30 s for an HTTP answer
  local i
  for i in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; return 1
}
run_wrk() { # name, duration, base URL, prefix, request file -> the RESULT line, saved to WORK/name.wrk
  REQUESTS=$5 PREFIX=$4 wrk -t2 -c8 -d"$2"s --timeout 10s -s bench/wms/requests.lua "$3" \
    > "$WORK/$1.wrk" 2>&1 || { cat "$WORK/$1.wrk" >&2; return 1; }
  grep '^RESULT' "$WORK/$1.wrk"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
TCK=$(getconf CLK_TCK)

# --- our server ---------------------------------------------------------------------------------------------------
rm -rf "$WORK/data"
java -jar "$SJAR" serve --data-dir "$WORK/data" --port "$PORT" --root "$WORK" > "$WORK/server.log" 2>&1 &
SPID=$!
PIDS+=("$SPID")
BASE=http://127.0.0.1:$PORT
wait_http "$BASE/"
PW=$(sed -n 's/^Admin password: *//p' "$WORK/server.log")
[ -n "$PW" ] || { echo "no admin password in $WORK/server.log" >&2; exit 1; }
rest() { # path, JSON body
  local code
  code=$(curl -s -o "$WORK/rest.out" -w '%{http_code}' -u "admin:$PW" -H 'Content-Type: application/json' \
    -X POST "$BASE/rest$1" -d "$2")
  [ "$code" = 201 ] || { echo "POST /rest$1 -> $code: $(cat "$WORK/rest.out")" >&2; exit 1; }
}
rest /workspaces '{"workspace":{"name":"bench"}}'
rest /workspaces/bench/coveragestores "{\"coverageStore\":{\"name\":\"frame\",\"path\":\"$STORE\"}}"
rest /workspaces/bench/coveragestores/frame/coverages "{\"coverage\":{\"name\":\"v\",\"nativeCoverageName\":\"$VAR\"}}"
# the colour range of our default styles (valid_min/valid_max, else the data), used for MapServer too
read -r LO HI <<<"$(curl -s "$BASE/ows?SERVICE=WMS&REQUEST=GetCapabilities" \
  | grep -o '<Name>greys</Name><Title>[^<]*' | head -1 | sed 's/.*greys, \([^ ]*\) to \([^ ]*\).*/\1 \2/')"
[ -n "$HI" ] || { echo "no greys style in the capabilities" >&2; exit 1; }

$PY bench/wms/tiles.py "$POINTS" bench:v greys "$COUNT" 42 > "$WORK/requests-ours.txt"
sed -e 's/LAYERS=bench:v&/LAYERS=v\&/' -e 's/STYLES=greys&/STYLES=\&/' "$WORK/requests-ours.txt" > "$WORK/requests-ms.txt"

# --- MapServer behind lighttpd ------------------------------------------------------------------------------------
MS=$WORK/mapserver
mkdir -p "$MS/www" "$MS/cgi"
cat > "$MS/mapserver.conf" <<EOF
CONFIG
  ENV
    MS_MAP_PATTERN "^$WORK/"
  END
END
EOF
cat > "$MS/bench.map" <<EOF
MAP
  NAME "bench"
  EXTENT -180 -90 180 90
  SIZE 256 256
  PROJECTION "init=epsg:4326" END
  OUTPUTFORMAT
    NAME "png"
    DRIVER "AGG/PNG"
    MIMETYPE "image/png"
    IMAGEMODE RGBA
    EXTENSION "png"
    TRANSPARENT ON
  END
  WEB
    METADATA
      "wms_title" "bench"
      "wms_onlineresource" "http://127.0.0.1:$MS_PORT/fcgi?map=$MS/bench.map&"
      "wms_srs" "EPSG:4326 EPSG:3857"
      "wms_enable_request" "*"
    END
  END
  LAYER
    NAME "v"
    TYPE RASTER
    STATUS ON
    DATA "$TIF"
    PROJECTION "init=epsg:4326" END
    PROCESSING "NODATA=NaN"
    METADATA "wms_title" "$VAR" END
    CLASS
      STYLE
        COLORRANGE 0 0 0 255 255 255
        DATARANGE $LO $HI
        RANGEITEM "pixel"
      END
    END
  END
END
EOF
ln -sf /usr/lib/cgi-bin/mapserv "$MS/cgi/mapserv"
cat > "$MS/lighttpd.conf" <<EOF
server.modules = ("mod_alias", "mod_setenv", "mod_cgi", "mod_fastcgi")
server.bind = "127.0.0.1"
server.port = $MS_PORT
server.document-root = "$MS/www"
server.errorlog = "$MS/error.log"
server.max-connections = 64
setenv.add-environment = ("MAPSERVER_CONFIG_FILE" => "$MS/mapserver.conf")
alias.url = ("/cgi/" => "$MS/cgi/")
\$HTTP["url"] =~ "^/cgi/" { cgi.assign = ("" => "") }
fastcgi.server = ("/fcgi" => ((
  "socket" => "$MS/mapserv.sock",
  "bin-path" => "/usr/bin/mapserv",
  "bin-environment" => ("MAPSERVER_CONFIG_FILE" => "$MS/mapserver.conf"),
  "max-procs" => 2,
  "check-local" => "disable"
)))
EOF
rm -f "$MS/error.log" "$MS"/mapserv.sock*
lighttpd -D -f "$MS/lighttpd.conf" &
LPID=$!
PIDS+=("$LPID")
MSBASE=http://127.0.0.1:$MS_PORT
wait_http "$MSBASE/fcgi?map=$MS/bench.map&SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0"
# lighttpd leaves its FastCGI processes running when it stops: they are stopped by PID too
mapfile -t FCGI < <(pgrep -P "$LPID" || true)
[ "${#FCGI[@]}" = 2 ] || { echo "expected 2 mapserv FastCGI processes under lighttpd $LPID, got ${FCGI[*]:-none}" >&2; exit 1; }
PIDS+=("${FCGI[@]}")

# --- a sanity check: the same tile from both, PNG, 256x256 ------------------------------------------------------
q=$(sed -n 7p "$WORK/requests-ours.txt"); qm=$(sed -n 7p "$WORK/requests-ms.txt")
curl -s -o "$WORK/sample-ours.png" "$BASE/ows?$q"
curl -s -o "$WORK/sample-mapserver.png" "$MSBASE/fcgi?map=$MS/bench.map&$qm"
for f in sample-ours sample-mapserver; do
  file "$WORK/$f.png" | grep -q 'PNG image data, 256 x 256' || { echo "$f is not a 256x256 PNG: $(head -c 300 "$WORK/$f.png")" >&2; exit 1; }
done

# --- runs ---------------------------------------------------------------------------------------------------------
log "warming up both (15 s each)"
run_wrk warm-ours 15 "$BASE" "/ows?" "$WORK/requests-ours.txt" >/dev/null
run_wrk warm-ms 15 "$MSBASE" "/fcgi?map=$MS/bench.map&" "$WORK/requests-ms.txt" >/dev/null
sleep 2

load_ours=$(cut -d' ' -f1-3 /proc/loadavg)
heap0=$(heap_used "$SPID"); rss0=$(rss_mb "$SPID"); c0=$(cpu_ticks "$SPID")
if [ "${JFR:-0}" = 1 ]; then jcmd "$SPID" JFR.start name=wms settings="$REPO/bench/wms/samples.jfc" duration="$((DURATION - 5))s" filename="$WORK/ours.jfr" >/dev/null; fi
log "our server, ${DURATION}s"
r_ours=$(run_wrk ours "$DURATION" "$BASE" "/ows?" "$WORK/requests-ours.txt")
c1=$(cpu_ticks "$SPID"); heap1=$(heap_used "$SPID"); rss1=$(rss_mb "$SPID")
jcmd "$SPID" GC.run >/dev/null; heap2=$(heap_used "$SPID")

load_ms=$(cut -d' ' -f1-3 /proc/loadavg)
mapfile -t mspids < <(tree_pids "$LPID")
rss_ms0=0; for p in "${mspids[@]}"; do rss_ms0=$((rss_ms0 + $(rss_mb "$p"))); done
m0=$(cpu_ticks "${mspids[@]}")
log "MapServer FastCGI, ${DURATION}s"
r_ms=$(run_wrk mapserver-fcgi "$DURATION" "$MSBASE" "/fcgi?map=$MS/bench.map&" "$WORK/requests-ms.txt")
m1=$(cpu_ticks "${mspids[@]}")
rss_ms1=0; for p in "${mspids[@]}"; do rss_ms1=$((rss_ms1 + $(rss_mb "$p"))); done

r_cgi=""
if [ "$CGI_DURATION" != 0 ]; then
  log "MapServer CGI, ${CGI_DURATION}s"
  load_cgi=$(cut -d' ' -f1-3 /proc/loadavg)
  r_cgi=$(run_wrk mapserver-cgi "$CGI_DURATION" "$MSBASE" "/cgi/mapserv?map=$MS/bench.map&" "$WORK/requests-ms.txt")
fi

cpu_per_req() { awk -v t="$1" -v n="$2" -v k="$TCK" 'BEGIN{printf "%.1f", t / k * 1000 / n}'; }
n_ours=$(field requests "$r_ours"); n_ms=$(field requests "$r_ms")
echo
echo "Request list: $COUNT tiles from bench/wms/tiles.py (seed 42) over $(wc -l < "$POINTS") observations of $VAR;"
echo "colour range $LO to $HI (grey, linear); wrk -t2 -c8; $(nproc) cores shared by wrk and the server."
echo
echo "| measure | healpix-zarr server | MapServer 8 FastCGI (2 procs) |$([ -n "$r_cgi" ] && echo " MapServer 8 CGI (${CGI_DURATION} s) |")"
echo "|---|---|---|$([ -n "$r_cgi" ] && echo "---|")"
row() { echo "| $1 | $2 | $3 |$([ -n "$r_cgi" ] && echo " $4 |")"; }
row "requests in ${DURATION} s" "$n_ours" "$n_ms" "$(field requests "$r_cgi")"
row "requests/s" "$(field rps "$r_ours")" "$(field rps "$r_ms")" "$(field rps "$r_cgi")"
row "latency p50 (ms)" "$(field p50_ms "$r_ours")" "$(field p50_ms "$r_ms")" "$(field p50_ms "$r_cgi")"
row "latency p99 (ms)" "$(field p99_ms "$r_ours")" "$(field p99_ms "$r_ms")" "$(field p99_ms "$r_cgi")"
row "socket errors / non-2xx" "$(field errors "$r_ours") / $(field non2xx "$r_ours")" "$(field errors "$r_ms") / $(field non2xx "$r_ms")" \
  "$(field errors "$r_cgi") / $(field non2xx "$r_cgi")"
row "mean response (bytes)" "$(field bytes_per_req "$r_ours")" "$(field bytes_per_req "$r_ms")" "$(field bytes_per_req "$r_cgi")"
row "server CPU per request (ms)" "$(cpu_per_req $((c1 - c0)) "$n_ours")" "$(cpu_per_req $((m1 - m0)) "$n_ms")" ""
row "RSS before / after (MB)" "$rss0 / $rss1" "$rss_ms0 / $rss_ms1 (lighttpd + mapserv)" ""
row "heap used / committed before (MB)" "$heap0" "" ""
row "heap used / committed after (MB)" "$heap1; after a full GC: $heap2" "" ""
row "load average (1, 5, 15 min) at start" "$load_ours" "$load_ms" "${load_cgi:-}"
