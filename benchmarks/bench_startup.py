"""Cold start, as two figures, each beside its floor started in the same run.

1. The window on screen: `python -m sitrep_desktop DEMO.db` with
   SITREP_EXIT_AFTER_SHOWN=1 (quits after the window's first paint), beside a
   bare PySide6 window (QApplication + QMainWindow.show + first paint).
2. The demo's map painted: SITREP_EXIT_AFTER_MAP=1 (quits after the map's first
   paint), beside a bare window that imports the same libraries (PySide6,
   pyqtgraph, shapely, sqlite-utils, pyproj) and paints an empty PlotWidget.
   The grouped basemap is cached in the user's cache folder after the first
   start; the warm-up run fills it, so this is the everyday start.
Each is the median time from starting the process to the moment it reports
that first paint (its teardown is not start-up), processes started alternately.
"""

from __future__ import annotations

import os
import resource  # noqa: E402
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import print_peak_memory, report

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7

# The floors report their first paint the way the app does (an event filter on
# Paint, then a message once the paint has been handled).
_ON_PAINT = """
from PySide6.QtCore import QEvent, QObject, QTimer
class OnPaint(QObject):
    def __init__(self, widget, message):
        super().__init__(widget); self.message = message; widget.installEventFilter(self)
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.message:
            message, self.message = self.message, None
            QTimer.singleShot(0, lambda: (print(message, flush=True), app.quit()))
        return False
"""

BARE_WINDOW = (
    _ON_PAINT
    + """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1400, 900)
hook = OnPaint(w, "shown")
w.show()
app.exec()
"""
)

BARE_PLOT = (
    _ON_PAINT
    + """
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg, shapely, sqlite_utils, pyproj
app = QApplication([])
w = QMainWindow(); w.resize(1400, 900)
plot = pg.PlotWidget(); w.setCentralWidget(plot)
hook = OnPaint(plot.viewport(), "map painted")
w.show()
app.exec()
"""
)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # no saved window layout from a desktop
    # An installed app starts from compiled bytecode (pip writes it for packages,
    # Python for a source checkout on its first run). With this variable set, as
    # on some build machines, our own modules alone would be compiled afresh at
    # every start, ~25 ms the floor's (installed) libraries never pay.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _wall(args: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process until it says it has painted."""
    start = time.perf_counter()
    child = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert child.stdout is not None
    for line in child.stdout:
        if "shown" in line or "painted" in line:
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{args} ended without reporting its first paint")
    child.stdout.close()
    if child.wait(timeout=60) != 0:
        raise RuntimeError(f"{args} failed")
    return elapsed


def _pair(app_env: str, floor_code: str, db: Path, env: dict[str, str]) -> tuple[float, float]:
    app_env_vars = {**env, app_env: "1"}
    app_args = [sys.executable, "-m", "sitrep_desktop", str(db)]
    floor_args = [sys.executable, "-c", floor_code]
    _wall(app_args, app_env_vars)  # warm the file cache for both
    _wall(floor_args, env)
    apps, floors = [], []
    for _ in range(RUNS):
        apps.append(_wall(app_args, app_env_vars))
        floors.append(_wall(floor_args, env))
    return statistics.median(apps), statistics.median(floors)


def main() -> None:
    env = _environment()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "DEMO.db"
        subprocess.run(
            [sys.executable, "-m", "sitrep_desktop", "demo", str(db)],
            env=env,
            check=True,
            capture_output=True,
        )
        shown, bare = _pair("SITREP_EXIT_AFTER_SHOWN", BARE_WINDOW, db, env)
        report("cold start: window on screen", shown * 1000, "ms", bare * 1000)
        painted, plot = _pair("SITREP_EXIT_AFTER_MAP", BARE_PLOT, db, env)
        report("cold start: demo map painted", painted * 1000, "ms", plot * 1000)
    # The app ran in child processes: their high-water mark is the figure that matters.
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"cold start peak memory (largest app process): {child_kb / 1024:.0f} MB", flush=True)
    print_peak_memory("bench_startup (this process)")


if __name__ == "__main__":
    main()
