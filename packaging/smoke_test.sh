#!/bin/sh
# Run the built bundle headless on the demo situation and check what it prints.
# Usage (repository root, after building):  sh packaging/smoke_test.sh [dist/sitrep]
# PYTHON is only used to check the snapshot picture (needs PySide6).
set -eu

BUNDLE=${1:-dist/sitrep}
EXE="$BUNDLE/sitrep"
PYTHON=${PYTHON:-python3}
export QT_QPA_PLATFORM=offscreen
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$EXE" ] || { echo "smoke test: $EXE not found; build first" >&2; exit 1; }

"$EXE" --version
"$EXE" demo "$WORK/x.db"
"$EXE" control "$WORK/x.db" --json > "$WORK/control.json"
grep -q '"faction_short": "HTS"' "$WORK/control.json" || {
    echo "smoke test: control --json did not list HTS-held places" >&2; exit 1; }
"$EXE" events "$WORK/x.db" --search Hama > "$WORK/events.txt"
grep -q "event(s)" "$WORK/events.txt"
echo "demo, control and events: ok"

# The resources must be inside the bundle, not found in a source checkout.
RES=$(find "$BUNDLE" -type d -path '*sitrep_desktop/resources' | head -n 1)
[ -n "$RES" ] && [ -d "$RES/basemap" ] && [ -f "$RES/icons/sitrep.svg" ] || {
    echo "smoke test: resources missing from the bundle" >&2; exit 1; }
echo "resources in the bundle: $RES"

if "$EXE" snapshot --help > /dev/null 2>&1; then
    "$EXE" snapshot "$WORK/x.db" -o "$WORK/snapshot.png"
    "$PYTHON" - "$WORK/snapshot.png" <<'PY'
import sys
from PySide6.QtGui import QImage

image = QImage(sys.argv[1])
if image.isNull() or image.width() < 100 or image.height() < 100:
    sys.exit(f"smoke test: {sys.argv[1]} is not a picture")
step = max(1, min(image.width(), image.height()) // 64)
colours = {image.pixel(x, y) for x in range(0, image.width(), step)
           for y in range(0, image.height(), step)}
if len(colours) < 8:
    sys.exit(f"smoke test: the snapshot is blank ({len(colours)} colours)")
print(f"snapshot: {image.width()}x{image.height()}, {len(colours)} colours sampled: ok")
PY
else
    echo "snapshot: this build has no 'sitrep snapshot' command; skipped"
fi
# The window: it must start and keep running (killed after a few seconds).
if command -v timeout > /dev/null 2>&1; then
    set +e
    timeout 8 "$EXE" "$WORK/x.db" > "$WORK/window.log" 2>&1
    code=$?
    set -e
    if [ "$code" -ne 124 ]; then
        echo "smoke test: the window exited with $code:" >&2
        tail -n 20 "$WORK/window.log" >&2
        exit 1
    fi
    echo "window: started and kept running: ok"
fi
echo "smoke test passed"
