"""Snapshot timing (A4 at 300 dpi, PNG and PDF; target under 3 s each) and the
size of the SVG and PDF files people pass around.

Timing floor, in the same run: a bare QPainter drawing every theatre-level
basemap vertex as one path per layer onto an image of the same size, with
nothing else on the page. Snapshots now draw the basemap reduced to the page
(ui/snapshot/basemap.py), far fewer vertices, so the ratio can fall below 1.

Size floor: the same snapshot written without its basemap. The basemap cannot
cost less than nothing, so the ratio is what the basemap multiplies the file by;
the rest (labels drawn as outlines, fonts, Qt's per-element styles) is the floor.
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

# The CLI's own default extent: the figure is what `sitrep snapshot demo.db -o x.svg` writes.
from sitrep_desktop.cli.snapshot import _extent  # noqa: E402
from sitrep_desktop.domain import parse_moment  # noqa: E402
from sitrep_desktop.geo import basemap  # noqa: E402
from sitrep_desktop.services.demo import write_demo  # noqa: E402
from sitrep_desktop.services.snapshot import SnapshotRequest  # noqa: E402
from sitrep_desktop.store import Store  # noqa: E402
from sitrep_desktop.ui.snapshot.render import BASEMAP_STYLE, Snapshot  # noqa: E402

BBOX = (35.3, 33.2, 38.0, 36.6)
THEATRE = (34.0, 32.0, 43.0, 38.0)  # Syria and its neighbours: region-level basemap


class WithoutBasemap(Snapshot):
    def _draw_basemap(self, painter) -> None:
        pass


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


def file_sizes(store: Store, folder: Path) -> None:
    """Bytes of the CLI's default picture (1600x1000) of the demo, at its default
    extent (the places, theatre-level basemap) and theatre-wide."""
    at = parse_moment("2024-12-06")
    for name, bbox in (("demo default", _extent(store, None, "50km")), ("theatre", THEATRE)):
        for fmt in ("svg", "pdf"):
            request = SnapshotRequest(bbox=bbox, fmt=fmt, at=at, title="Benchmark")
            sizes = []
            for kind in (Snapshot, WithoutBasemap):
                out = folder / f"size.{fmt}"
                kind(store, request).render(out)
                sizes.append(out.stat().st_size / 1000)
            report(f"snapshot {fmt} size, {name}", sizes[0], "kB", sizes[1])


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
            file_sizes(store, Path(folder))
    print_peak_memory("bench_snapshot")


if __name__ == "__main__":
    main()
