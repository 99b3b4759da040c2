# Sourced by the EarthCARE benchmarks: the full-size MSI L2A frame 06109D (11216 x 357 pixels, about 4 M
# geolocated), generated once under $WORK with the fixtures generator and reused by every script.
# Needs WORK and SHARED set; PYTHON may name the interpreter (default /usr/bin/python3). Sets FRAME.
FRAME=$WORK/frame-06109D
if [ ! -f "$FRAME/done" ]; then
  echo "# generating the full-size frame in $FRAME" >&2
  rm -rf "$FRAME"
  "${PYTHON:-/usr/bin/python3}" "$SHARED/fixtures/make_earthcare_msi.py" "$FRAME" --rows 11216 --cols 357 --frame D --orbit 6109 >/dev/null
  touch "$FRAME/done"
fi
