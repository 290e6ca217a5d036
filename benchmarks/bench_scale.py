"""The whole picture at volume: 1,000,000 events over Syria across 8 years.

Figures, each beside a floor measured in this run (issue 13's "Benchmark" list):
- map open to first paint on N events, against the same on the demo's ten;
- a time change repainted at Syria zoom (cells), against a raw SQL aggregate of the
  same events in view up to that time plus QPainter drawing as many discs;
- a pan frame at Syria zoom, against the same canvas with the events hidden;
- zoomed to Homs (markers): repaint and click-to-select, against QPainter drawing
  as many markers and a numpy nearest-point search;
- a timeline drag frame (cursor moved, map repainted), beside the time-change floor;
- applying a list filter to the map, against SQL counting the same filter;
- peak memory of this (window) process; then the import of N ACLED rows through
  services.exchange in its own process, rows/s beside raw executemany, its peak.

The N-event database is built with raw executemany (not the importer), once: it is
kept in ~/.cache/sitrep-bench (SITREP_BENCH_CACHE) and copied for each run, so a run
after the first starts in seconds (delete the file after a schema change to build anew).
Run: PYTHONPATH=src python benchmarks/bench_scale.py [N] [--part NAME ...]
(or SITREP_SCALE_N=50000 while developing). Parts: open, time, pan, homs, timeline,
filter, import (default: all; --help lists them).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from common import print_peak_memory, report, timeit_median  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sitrep_desktop.domain import parse_moment  # noqa: E402
from sitrep_desktop.services.demo import write_demo  # noqa: E402
from sitrep_desktop.services.event_aggregates import cell_size_for  # noqa: E402
from sitrep_desktop.store import LATEST_VERSION, Store  # noqa: E402
from sitrep_desktop.store.event_queries import EventFilter  # noqa: E402
from sitrep_desktop.store.event_summaries import saved_map_columns  # noqa: E402
from sitrep_desktop.store.opening import damage_of  # noqa: E402
from sitrep_desktop.ui.logging.event_filters import EventFilterBar, MapFilterLink  # noqa: E402
from sitrep_desktop.ui.map.canvas import MapCanvas  # noqa: E402
from sitrep_desktop.ui.map.panels.timeline import TimelinePane  # noqa: E402
from sitrep_desktop.ui.window.selection import Selection  # noqa: E402
from sitrep_desktop.ui.window.time_state import TimeState  # noqa: E402

WIDTH, HEIGHT = 1600, 1000
SYRIA = (35.2, 32.2, 42.5, 37.4)
HOMS = (36.66, 34.70, 36.76, 34.76)
CATEGORIES = ("clash", "airstrike", "shelling", "capture", "movement")
PARTS = ("open", "time", "pan", "homs", "timeline", "filter", "import")
START = np.datetime64("2017-01-01T00:00:00", "s")
SPAN_S = 8 * 365 * 86_400


def build_events(db: Path, n: int, seed: int = 13) -> None:
    """N events over Syria (clustered around 60 towns, as real reports are), one executemany."""
    rng = np.random.default_rng(seed)
    towns = np.column_stack((rng.uniform(36.0, 42.0, 60), rng.uniform(32.6, 37.0, 60)))
    near = rng.integers(0, 60, n)
    lon = np.round(towns[near, 0] + rng.normal(0, 0.15, n), 5)
    lat = np.round(towns[near, 1] + rng.normal(0, 0.12, n), 5)
    when = (START + rng.integers(0, SPAN_S, n)).astype(str)
    codes = rng.integers(0, len(CATEGORIES), n)
    stamp = "2026-01-01T00:00:00Z"

    def rows():
        for i in range(n):
            day_only = i % 3 == 0  # ACLED gives days
            at = when[i][:10] if day_only else when[i] + "Z"
            x, y = float(lon[i]), float(lat[i])
            yield (
                str(uuid.UUID(int=i + 1)), at, at if day_only else when[i] + ".000000Z",
                CATEGORIES[codes[i]], f"Event {i}", f"POINT ({x} {y})", x, y, x, y,
                json.dumps([f"Armed group {i % 20}"]), "synthetic", "medium", stamp, stamp,
            )  # fmt: skip

    with Store.open(db, author="bench") as store, store.transaction() as conn:
        conn.executemany(
            "INSERT INTO events (id, at, at_key, category, title, geometry, min_lon, min_lat, "
            "max_lon, max_lat, actors, source, confidence, created, updated) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows(),
        )


def render(canvas: MapCanvas, image: QImage) -> None:
    image.fill(0)
    painter = QPainter(image)
    canvas.render(painter)
    painter.end()


def paint_discs(image: QImage, count: int, radius: float = 12.0) -> None:
    """The drawing floor: `count` filled discs with a text each, one QPainter."""
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(QColor("#c62828"))
    for i in range(count):
        centre = QPointF((i * 37) % WIDTH, (i * 53) % HEIGHT)
        painter.drawEllipse(centre, radius, radius)
        box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(i))
    painter.end()


def sql_cells(store: Store, at: str, box, size_deg: float) -> int:
    """The data floor: SQL counting the events in view up to `at` by grid cell."""
    west, south, east, north = box
    return len(
        store.conn.execute(
            "SELECT CAST(min_lon / ? AS INT), CAST(min_lat / ? AS INT), count(*) FROM events "
            "WHERE at_key <= ? AND min_lon BETWEEN ? AND ? AND min_lat BETWEEN ? AND ? "
            "GROUP BY 1, 2",
            (size_deg, size_deg, parse_moment(at).upper_key, west, east, south, north),
        ).fetchall()
    )


class _FirstPaint(QObject):
    """The time a widget's first paint event was handled."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.at: float | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.perf_counter()  # the paint itself follows: a little early
        return False


def open_canvas(app, path: Path) -> tuple[MapCanvas, float]:
    """The canvas opened on `path` and shown: seconds to its first paint on screen
    (what follows the first paint, such as reading events at volume, is not in it)."""
    start = time.perf_counter()
    # As the window opens it: a big file's damage check runs beside the map (damage_check).
    store = Store.open(path, author="bench", check_later=True)
    canvas = MapCanvas(store, Selection(), TimeState())
    canvas.resize(WIDTH, HEIGHT)
    canvas.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    first = _FirstPaint(canvas.viewport())
    canvas.show()
    canvas.set_lonlat_range(*SYRIA)
    while first.at is None:
        app.processEvents()
    canvas.damage_check = None
    if store.check_pending:  # as the window does, after the map's first paint
        canvas.damage_check = threading.Thread(target=damage_of, args=(path,), daemon=True)
        canvas.damage_check.start()
    return canvas, first.at - start


def open_canvas_once(app, path: Path) -> float:
    opened, seconds = open_canvas(app, path)
    discard(app, opened)
    return seconds


def opens_figure(n: int, folder: Path) -> None:
    """Map open to first paint on N events against the demo: one open of each varies
    by +-30% here, so five of each, taken in turn, and their medians."""
    app = QApplication.instance() or QApplication([])
    demo = folder / "demo.db"
    write_demo(demo)
    big = cached_database(n, folder)
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    canvas, _painted = open_until_events_painted(app, big, image)
    wait_until_saved(app, canvas)  # later opens read the saved columns, as a user's do
    discard(app, canvas)
    demo_opens, big_opens = [], []
    for _ in range(5):
        demo_opens.append(open_canvas_once(app, demo))
        big_opens.append(open_canvas_once(app, big))
    big_open, demo_open = statistics.median(big_opens), statistics.median(demo_opens)
    report(f"map open to first paint, {n:,} events (median of 5)", big_open * 1000, "ms",
           demo_open * 1000)  # fmt: skip


def discard(app, canvas: MapCanvas) -> None:
    """Close a canvas and free it (its store, its arrays) before the next figure."""
    if canvas.damage_check is not None:
        canvas.damage_check.join()
    canvas.store.close()  # its deferred event read stops at its next step
    canvas.close()
    canvas.deleteLater()
    app.processEvents()
    # processEvents leaves deferred deletes for the loop level that posted them.
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def wait_until_saved(app, canvas: MapCanvas) -> None:
    """Until the canvas has saved the map's columns in its file (after a full read)."""
    deadline = time.perf_counter() + 120
    while saved_map_columns(canvas.store) is None and time.perf_counter() < deadline:
        app.processEvents()


def open_until_events_painted(app, path: Path, image: QImage) -> tuple[MapCanvas, float]:
    start = time.perf_counter()
    canvas, _first = open_canvas(app, path)
    while not canvas.situation.events_read:
        app.processEvents()
    app.processEvents()
    render(canvas, image)
    return canvas, time.perf_counter() - start


def cached_database(n: int, folder: Path) -> Path:
    """A copy, in `folder`, of the demo plus N events, built once and kept for later runs."""
    cache = Path(os.environ.get("SITREP_BENCH_CACHE", Path.home() / ".cache" / "sitrep-bench"))
    cache.mkdir(parents=True, exist_ok=True)
    # Kept at the latest schema, so no run times a migration of a million rows.
    kept = cache / f"scale-{n}-v{LATEST_VERSION}.db"
    if not kept.exists():
        # In a process of its own: building a million rows must not count in the
        # window process's peak memory.
        subprocess.run([sys.executable, __file__, "--build", str(n)], check=True)
    big = folder / "big.db"
    shutil.copyfile(kept, big)
    return big


def build_cache(n: int) -> None:
    """The kept database of the demo plus N events (bench_scale.py --build N)."""
    cache = Path(os.environ.get("SITREP_BENCH_CACHE", Path.home() / ".cache" / "sitrep-bench"))
    kept = cache / f"scale-{n}-v{LATEST_VERSION}.db"
    if not kept.exists():
        building = cache / f"scale-{n}.building.db"
        building.unlink(missing_ok=True)
        older = sorted(cache.glob(f"scale-{n}.db")) + sorted(cache.glob(f"scale-{n}-v*.db"))
        start = time.perf_counter()
        if older:
            shutil.copyfile(older[-1], building)
            Store.open(building, author="bench").close()  # migrated
            for backup in cache.glob("*before-upgrade*"):
                backup.unlink()
            print(f"migrated {n:,} events in {time.perf_counter() - start:.1f} s")
        else:
            write_demo(building)
            build_events(building, n)
            print(f"built {n:,} events with executemany in {time.perf_counter() - start:.1f} s")
        building.rename(kept)


def window_figures(n: int, folder: Path, parts: set[str]) -> None:
    app = QApplication.instance() or QApplication([])
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    demo = folder / "demo.db"
    write_demo(demo)
    big = cached_database(n, folder)
    demo_open = open_canvas_once(app, demo)
    # The first open after a bulk write reads every row (a chunk per idle moment, after
    # the first paint) and saves the map's columns in the file; later opens read those.
    canvas, painted = open_until_events_painted(app, big, image)
    report(f"first open to events painted (rows read), {n:,} events", painted * 1000, "ms",
           demo_open * 1000)  # fmt: skip
    wait_until_saved(app, canvas)
    discard(app, canvas)  # a later session: its damage check was done long ago
    # Opens taken in turn, in a process of their own (their canvases would count in
    # this window process's peak memory).
    subprocess.run([sys.executable, __file__, "--opens", str(n)], check=True)
    demo_open = open_canvas_once(app, demo)
    canvas, painted = open_until_events_painted(app, big, image)
    report(f"map open to events painted (saved columns), {n:,} events", painted * 1000, "ms",
           demo_open * 1000)  # fmt: skip
    store, layer = canvas.store, canvas.events_layer

    # A time change at Syria zoom: cells.
    times = iter([f"20{17 + i % 8}-{1 + i % 12:02d}-15" for i in range(1000)])

    def time_change() -> None:
        canvas.time_state.set_at(parse_moment(next(times)))
        render(canvas, image)

    time_floor = 0.0
    if parts & {"time", "timeline"}:
        changed = timeit_median(time_change, repeat=9)
        cells = len(layer.cells) if layer.cells is not None else 0
        size_deg = cell_size_for(canvas._units_per_pixel()) / 111_000.0
        time_floor = timeit_median(
            lambda: (sql_cells(store, "2022-06-15", SYRIA, size_deg), paint_discs(image, cells)),
            repeat=5,
        )
        report(f"time change at Syria zoom ({cells:,} cells)", changed * 1000, "ms",
               time_floor * 1000)  # fmt: skip
    if "pan" in parts:
        pan_figures(app, canvas)
    if "homs" in parts:
        homs_figures(app, canvas, image)
    if "timeline" in parts:
        timeline_figure(canvas, image, time_floor)
    if "filter" in parts:
        filter_figure(canvas, image)
    print_peak_memory(f"window process with {n:,} events")
    canvas.close()


def pan_figures(app, canvas: MapCanvas) -> None:
    layer = canvas.events_layer

    # Pan frames, with events and with the events hidden (the basemap-only floor).
    rect, step = canvas.view.viewRect(), [0]

    def pan() -> None:
        # One drag step: the view moves and the event loop paints the canvas once.
        step[0] += 1
        canvas.view.translateBy(x=rect.width() * 0.02 * (1 if step[0] % 2 else -1))
        app.processEvents()

    with_events = timeit_median(pan, repeat=11)
    layer.set_visible(False)
    basemap_only = timeit_median(pan, repeat=11)
    layer.set_visible(True)
    report("pan frame at Syria zoom", with_events * 1000, "ms", basemap_only * 1000)


def homs_figures(app, canvas: MapCanvas, image: QImage) -> None:
    layer = canvas.events_layer
    # Homs: markers, a repaint and a click.
    canvas.time_state.set_at(None)
    canvas.set_lonlat_range(*HOMS)
    app.processEvents()
    markers = len(layer.rows)
    homs = timeit_median(lambda: (layer.follow_view(force=True), render(canvas, image)))
    layer.set_visible(False)  # the floor: the same view without events, plus the markers
    floor = timeit_median(lambda: render(canvas, image)) + timeit_median(
        lambda: paint_discs(image, markers, 4.0)
    )
    layer.set_visible(True)
    report(f"repaint at Homs zoom ({markers:,} markers)", homs * 1000, "ms", floor * 1000)
    if markers:
        x, y = canvas.events_layer.markers.getData()
        target = QPointF(float(x[markers // 2]), float(y[markers // 2]))

        def click() -> None:
            points = layer.markers.pointsAt(target)
            canvas._on_event_clicked(layer.markers, points)

        def nearest() -> int:
            return int(np.argmin((x - target.x()) ** 2 + (y - target.y()) ** 2))

        report("click-to-select at Homs zoom", timeit_median(click) * 1000, "ms",
               timeit_median(nearest) * 1000)  # fmt: skip


def timeline_figure(canvas: MapCanvas, image: QImage, time_floor: float) -> None:
    store = canvas.store
    # The timeline's drag: the cursor moves, the map follows.
    canvas.set_lonlat_range(*SYRIA)
    timeline = TimelinePane(store, canvas.time_state)
    seconds = iter(np.linspace(1.5e9, 1.7e9, 1000))

    def drag() -> None:
        timeline.strip.cursor.setValue(float(next(seconds)))
        render(canvas, image)

    report("timeline drag frame at Syria zoom", timeit_median(drag, 9) * 1000, "ms",
           time_floor * 1000)  # fmt: skip


def filter_figure(canvas: MapCanvas, image: QImage) -> None:
    store = canvas.store
    # A list filter applied to the map.
    bar = EventFilterBar(store)
    link = MapFilterLink(bar, canvas, lambda: None)
    spec = EventFilter(categories=("airstrike",))
    applied = timeit_median(lambda: (link.apply(spec), render(canvas, image)), repeat=3)
    counted = timeit_median(
        lambda: store.conn.execute("SELECT id FROM events WHERE category = 'airstrike'").fetchall(),
        repeat=3,
    )
    report("list filter applied to the map", applied * 1000, "ms", counted * 1000,
           "ms (SQL reading the filter's ids)")  # fmt: skip


def import_figures(n: int, folder: Path) -> None:
    """In its own process, so its peak memory is the import's alone."""
    from bench_import import floor_rows, import_rows, write_acled

    source = folder / "acled.csv"
    write_acled(source, n)
    floor_count, floor_seconds = floor_rows(folder / "floor.db", source)
    start = time.perf_counter()
    import_rows(folder / "import.db", source)
    seconds = time.perf_counter() - start
    report(f"import {n:,} ACLED rows", n / seconds, "rows/s", floor_count / floor_seconds,
           "rows/s (raw executemany)")  # fmt: skip
    print_peak_memory(f"import of {n:,} ACLED rows")


def main() -> None:
    argv = sys.argv[1:]
    if "--help" in argv or "-h" in argv:
        print(__doc__)
        return
    parts: set[str] = set()
    while "--part" in argv:
        at = argv.index("--part")
        parts.add(argv[at + 1])
        del argv[at : at + 2]
    unknown = parts - set(PARTS)
    if unknown:
        sys.exit(f"unknown part {sorted(unknown)[0]!r}: choose from {', '.join(PARTS)}")
    parts = parts or set(PARTS)
    args = [a for a in argv if a not in ("--import", "--build", "--opens")]
    n = int(args[0]) if args else int(os.environ.get("SITREP_SCALE_N", "1000000"))
    if "--build" in argv:
        build_cache(n)
        return
    with tempfile.TemporaryDirectory() as folder:
        if "--import" in argv:
            import_figures(n, Path(folder))
            return
        if "--opens" in argv:
            opens_figure(n, Path(folder))
            return
        if parts - {"import"}:
            window_figures(n, Path(folder), parts)
    if "import" in parts:
        subprocess.run([sys.executable, __file__, "--import", str(n)], check=True)


if __name__ == "__main__":
    main()
