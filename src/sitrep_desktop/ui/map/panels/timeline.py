"""The timeline strip under the map: how many events each day (or hour, week, month:
whatever bin the zoom asks for), control changes as ticks, and the "as of" line.

The histogram comes from SQL counts per day (store.event_counts), read once per
change of events and summed into coarser bins in numpy as the strip zooms out;
zoomed in to days, hours are counted for the range shown. A million events are
a few thousand days: no item per event, and dragging the line reads nothing.

Dragging the cursor line sets the shared "as of" time, so the map recolours
places and fades later events as it moves; play replays the days one by one.
The x axis is seconds since 1970 (UTC), as pyqtgraph's DateAxisItem expects.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from sitrep_desktop.domain import Moment, parse_moment
from sitrep_desktop.store import Store, StoreChange
from sitrep_desktop.store.event_counts import day_counts, day_counts_of, hour_counts
from sitrep_desktop.ui.map.panels.timeline_mouse import SnappingCursor, install_click_to_set_time
from sitrep_desktop.ui.window.time_state import TimeState
from sitrep_desktop.ui.window.time_text import local_and_utc

EVENT_ROW, CONTROL_ROW = 0.0, 1.0
BAR_BASE, BAR_TOP = -0.5, 0.55  # the histogram's band, under the control changes' row
HISTOGRAM_COLOUR = "#5c6bc0"
HOUR = 3_600.0
DAY = 86_400.0
# Bin widths the strip chooses from, finest first; the first giving at most MAX_BINS bins.
BIN_WIDTHS = (HOUR, 6 * HOUR, DAY, 7 * DAY, 30 * DAY, 91 * DAY, 365 * DAY)
MAX_BINS = 400
PLAY_INTERVAL_MS = 600


def bin_width(span_s: float) -> float:
    """The bin width for a strip showing `span_s` seconds."""
    for width in BIN_WIDTHS:
        if span_s / width <= MAX_BINS:
            return width
    return BIN_WIDTHS[-1]


def rebin(starts: np.ndarray, counts: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Sum counts at `starts` (seconds) into bins of `width` seconds from 1970:
    (bin starts, counts)."""
    if not len(starts):
        return np.zeros(0), np.zeros(0, np.int64)
    order = np.argsort(starts, kind="stable")
    keys = np.floor_divide(starts[order], width) * width
    unique, first = np.unique(keys, return_index=True)
    return unique.astype(float), np.add.reduceat(counts[order], first)


def seconds_of(moment: Moment) -> float:
    return moment.as_utc().timestamp()


def moment_at(seconds: float) -> Moment:
    """The moment at `seconds` (UTC), to the minute: what the cursor stands for."""
    when = datetime.fromtimestamp(seconds, UTC).replace(second=0, microsecond=0)
    return parse_moment(when)


class TimelineStrip(pg.PlotWidget):
    """The events' histogram, a row of control-change ticks and a draggable "as of" line."""

    sigScrubbed = Signal(object)  # Moment, while dragging

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent=parent,
            axisItems={"bottom": pg.DateAxisItem(utcOffset=0)},
            viewBox=pg.ViewBox(enableMenu=False),  # made without the menu it would hide
        )
        self.setBackground("#fafafa")
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=True, y=False)
        self.setYRange(-0.6, 1.6, padding=0)
        self.histogram = pg.BarGraphItem(
            x0=[], x1=[], y0=[], y1=[], brush=HISTOGRAM_COLOUR, pen=None
        )
        self.controls = pg.ScatterPlotItem(pxMode=True, size=11, symbol="s")
        self.days = (np.zeros(0, np.int64), np.zeros(0, np.int64))  # day starts, counts
        self.hours = None  # (start, end) -> hour starts, counts: counts for a range
        self.bins = (np.zeros(0), np.zeros(0, np.int64), DAY)  # starts, counts, width shown
        self.cursor = SnappingCursor(
            angle=90, movable=True, pen=pg.mkPen("#ffab00", width=2), hoverPen="#ff6f00"
        )
        self.cursor.setZValue(10)
        for item in (self.histogram, self.controls, self.cursor):
            self.addItem(item)
        self.cursor.sigPositionChanged.connect(
            lambda line: self.sigScrubbed.emit(moment_at(line.value()))
        )
        self.sigXRangeChanged.connect(lambda *_: self.update_histogram())
        install_click_to_set_time(self, self.cursor)
        self.setMinimumHeight(90)

    def set_data(
        self, days: tuple[np.ndarray, np.ndarray], controls: list[tuple[float, str]], hours=None
    ) -> None:
        """`days`: (day starts, counts) of events; `controls`: (seconds, colour) per change;
        `hours(start, end)`: hour counts for a range, when zoomed in to days."""
        self.days, self.hours = days, hours
        self.controls.setData(
            [{"pos": (x, CONTROL_ROW), "brush": pg.mkBrush(c), "pen": None} for x, c in controls]
        )
        self.update_histogram()

    def update_histogram(self) -> None:
        """Bins for the range shown: days summed, or hours counted for the range."""
        lo, hi = self.getPlotItem().getViewBox().viewRange()[0]
        width = bin_width(hi - lo)
        if width < DAY and self.hours is not None:
            starts, counts = rebin(*self.hours(lo, hi), width)
        else:
            starts, counts = rebin(*self.days, max(width, DAY))
            width = max(width, DAY)
        if len(starts) == len(self.bins[0]) and width == self.bins[2]:
            if np.array_equal(starts, self.bins[0]) and np.array_equal(counts, self.bins[1]):
                return
        self.bins = (starts, counts, width)
        top = max(int(counts.max()), 1) if len(counts) else 1
        heights = (BAR_TOP - BAR_BASE) * counts / top
        self.histogram.setOpts(
            x0=starts, x1=starts + width * 0.9, y0=np.full(len(starts), BAR_BASE),
            height=heights,
        )  # fmt: skip


class TimelinePane(QWidget):
    """The strip with its buttons: play/pause, latest, "what changed…"."""

    sigWhatChangedRequested = Signal(str, str)  # start, end (ISO)

    def __init__(self, store: Store, time_state: TimeState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("TimelinePane")
        self.store = store
        self.time_state = time_state
        self.strip = TimelineStrip(self)
        self.play_button = QPushButton("Play", self)
        # Qt's own media icons: the bundled fonts have no ⏸, which showed as an empty box.
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setCheckable(True)
        self.latest_button = QPushButton("Latest", self)
        self.changes_button = QPushButton("What changed…", self)
        self.label = QLabel("", self)
        self.timer = QTimer(self)
        self.timer.setInterval(PLAY_INTERVAL_MS)
        self.timer.timeout.connect(self.step)
        self.span = (0.0, DAY)
        buttons = QHBoxLayout()
        for widget in (self.play_button, self.latest_button, self.changes_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.strip)
        self.play_button.toggled.connect(self.set_playing)
        self.latest_button.clicked.connect(lambda: self.time_state.set_at(None))
        self.changes_button.clicked.connect(self._ask_what_changed)
        self.strip.sigScrubbed.connect(self.time_state.set_at)
        time_state.sigChanged.connect(self._follow_time)
        self.reload()

    def reload(self) -> None:
        colours = {f.id: f.colour for f in self.store.factions.all()}
        days = day_counts(self.store)
        controls = [
            (seconds_of(c.at), colours.get(c.faction_id, "#9e9e9e"))
            for c in self.store.control.all()
        ]
        self.strip.set_data(days, controls, lambda lo, hi: hour_counts(self.store, lo, hi))
        xs = [float(x) for x in days[0][:1]] + [float(days[0][-1]) + DAY for _ in days[0][-1:]]
        xs += [x for x, _ in controls]
        if xs:
            lo, hi = min(xs) - DAY, max(xs) + 2 * DAY
            self.span = (lo, hi)
            self.strip.setXRange(lo, hi, padding=0.02)
        self._follow_time(self.time_state.at)

    def on_store_changed(self, change: StoreChange) -> None:
        if change.kind == "event" and change.action == "insert":
            self.add_events(change.ids)
        elif change.kind == "event":
            self.recount_days()
        elif change.kind in ("control_change", "faction", "*"):
            self.reload()

    def recount_days(self) -> None:
        """After an edit or delete of events: the days as the triggers keep them (a row
        per day, not a GROUP BY over the events); the view stays where it is."""
        self.strip.days = day_counts(self.store)
        self.strip.update_histogram()

    def add_events(self, ids: tuple[str, ...] | list[str]) -> None:
        """Count events just added into the days held: a burst from the team reads its
        own rows, not every day of the table again; the view stays where it is."""
        new_starts, new_counts = day_counts_of(self.store, ids)
        if not len(new_starts):
            return
        old_starts, old_counts = self.strip.days
        starts, counts = rebin(
            np.concatenate((old_starts, new_starts)).astype(np.int64),
            np.concatenate((old_counts, new_counts)).astype(np.int64),
            DAY,
        )
        self.strip.days = (starts.astype(np.int64), counts)
        lo, hi = float(starts[0]) - DAY, float(starts[-1]) + 2 * DAY
        if len(old_starts):
            lo, hi = min(lo, self.span[0]), max(hi, self.span[1])
        else:  # the first events: show them, as a reload would
            self.strip.setXRange(lo, hi, padding=0.02)
        self.span = (lo, hi)
        self.strip.update_histogram()
        self._follow_time(self.time_state.at)

    # -- time ------------------------------------------------------------------------------
    def scrub_to(self, moment: Moment | str) -> None:
        """Move the cursor to `moment`, as a drag would (sets the map's time)."""
        self.strip.cursor.setValue(seconds_of(parse_moment(moment)))

    def _follow_time(self, at: Moment | None) -> None:
        if at is None:
            self.label.setText("As of: latest")
            blocked = self.strip.cursor.blockSignals(True)
            self.strip.cursor.setValue(self.span[1])
            self.strip.cursor.blockSignals(blocked)
            return
        self.label.setText(f"As of: {local_and_utc(at)}")
        if abs(self.strip.cursor.value() - seconds_of(at)) > 60:
            blocked = self.strip.cursor.blockSignals(True)
            self.strip.cursor.setValue(seconds_of(at))
            self.strip.cursor.blockSignals(blocked)

    def set_playing(self, playing: bool) -> None:
        if playing:
            if self.time_state.at is None or seconds_of(self.time_state.at) >= self.span[1] - DAY:
                self.scrub_to(moment_at(self.span[0]))
            self.timer.start()
        else:
            self.timer.stop()
        self.play_button.setText("Pause" if playing else "Play")
        glyph = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(glyph))
        if self.play_button.isChecked() != playing:
            self.play_button.setChecked(playing)

    def step(self) -> None:
        """One day on; stop at the end."""
        now = self.strip.cursor.value() + DAY
        if now > self.span[1]:
            self.set_playing(False)
            return
        self.strip.cursor.setValue(now)

    def _ask_what_changed(self) -> None:
        end = self.time_state.at or moment_at(self.span[1])
        start = moment_at(seconds_of(end) - 7 * DAY)
        self.sigWhatChangedRequested.emit(start.text[:10], end.text[:10])
