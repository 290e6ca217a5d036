"""Snapshot timing: A4 at 300 dpi as PNG and as PDF (target: under 3 s each).

Floor, in the same run: a bare QPainter drawing the same basemap vertices as one
path onto an image of the same size, with nothing else on the page.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from common import print_peak_memory, report  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen  # noqa: E402

from sitrep_desktop.demo_situation import write_demo  # noqa: E402
from sitrep_desktop.domain import parse_moment  # noqa: E402
from sitrep_desktop.geo import basemap  # noqa: E402
from sitrep_desktop.store import Store  # noqa: E402
from sitrep_desktop.ui.snapshot import BASEMAP_STYLE, Snapshot  # noqa: E402
from sitrep_desktop.ui.snapshot_layout import SnapshotRequest  # noqa: E402

BBOX = (35.3, 33.2, 38.0, 36.6)


def bare_floor(width: int, height: int) -> float:
    """Same vertices (theatre level, all line layers), one path each, plain pens."""
    arrays = [basemap.load_layer(layer, "theatre") for layer, *_ in BASEMAP_STYLE]
    start = time.perf_counter()
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for lonlat in arrays:
        x = (lonlat[:, 0].astype(float) - BBOX[0]) / (BBOX[2] - BBOX[0]) * width
        y = (BBOX[3] - lonlat[:, 1].astype(float)) / (BBOX[3] - BBOX[1]) * height
        painter.setPen(QPen(QColor("black"), 3))
        painter.drawPath(pg.arrayToQPath(x, y, connect="finite"))
    painter.end()
    return time.perf_counter() - start


def main() -> None:
    QGuiApplication.instance() or QGuiApplication([])
    with tempfile.TemporaryDirectory() as folder:
        db = write_demo(Path(folder) / "demo.db")
        with Store.open(db) as store:
            for fmt in ("png", "pdf"):
                request = SnapshotRequest(
                    bbox=BBOX,
                    fmt=fmt,
                    paper="A4",
                    dpi=300,
                    at=parse_moment("2024-12-06"),
                    title="Benchmark",
                )
                width, height = request.page_pixels()
                times = []
                for _ in range(3):
                    start = time.perf_counter()
                    Snapshot(store, request).render(Path(folder) / f"a4.{fmt}")
                    times.append(time.perf_counter() - start)
                floor = min(bare_floor(width, height) for _ in range(3))
                report(
                    f"snapshot A4 300dpi {fmt}", float(np.median(times)) * 1000, "ms", floor * 1000
                )
    print_peak_memory("bench_snapshot")


if __name__ == "__main__":
    main()
