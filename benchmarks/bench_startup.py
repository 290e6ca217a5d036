"""Cold start, as two figures, each beside its floor started in the same run.

1. The window on screen: `python -m sitrep_desktop DEMO.db` with
   SITREP_EXIT_AFTER_SHOWN=1 (quits after the window's first paint), beside a
   bare PySide6 window (QApplication + QMainWindow.show + first paint).
2. The demo's map painted: SITREP_EXIT_AFTER_MAP=1 (quits after the map's first
   paint), beside a bare window that imports PySide6, pyqtgraph, shapely and
   sqlite-utils and paints an empty PlotWidget.
Each is the median wall time of whole processes, started alternately.
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

BARE_WINDOW = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1400, 900); w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""

BARE_PLOT = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg, shapely, sqlite_utils
app = QApplication([])
w = QMainWindow(); w.resize(1400, 900)
w.setCentralWidget(pg.PlotWidget()); w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # no saved window layout from a desktop
    return env


def _wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


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
