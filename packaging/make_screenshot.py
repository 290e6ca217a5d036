"""Render the real window on the demo database to docs/screenshot.png (for the README).

    python packaging/make_screenshot.py [OUT.png]

Offscreen, so it runs on a machine without a display; what it saves is the
window exactly as the app paints it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SITREP_NO_BACKUP_TIMER", "1")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sitrep_desktop.domain import parse_moment  # noqa: E402
from sitrep_desktop.services.demo import write_demo  # noqa: E402
from sitrep_desktop.store import Store  # noqa: E402
from sitrep_desktop.ui.window.main_window import MainWindow  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        db = write_demo(Path(folder) / "demo.db")
        settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(1600, 1000)
        window.open_store(Store.open(db), db)
        window.show()
        for _ in range(5):
            app.processEvents()
        window.time_state.set_at(parse_moment("2024-12-06"))
        window.canvas.set_lonlat_range(34.9, 32.6, 39.2, 37.0)
        hama = window.store.places.by_name("Hama")
        window.selection.select("place", hama.id)
        for _ in range(10):
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.close()
    print(f"saved {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png")
