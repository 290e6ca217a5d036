"""Range rings: true geodesic circles around a place or point, and what lies inside each.

The rings drawn are overlays owned by the dialog: they stay on the map when it
closes (an analyst keeps them in view while working) until Clear or the next
Draw; "Save as annotations" stores them as circle annotations (undoable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from sitrep_desktop.commands import AddRecords
from sitrep_desktop.domain import Annotation
from sitrep_desktop.geo.gazetteer import Gazetteer
from sitrep_desktop.geo.geodesy import geodesic_circle
from sitrep_desktop.geo.point_input import PointInputError, ResolvedPoint, resolve_point
from sitrep_desktop.geo.route import bearing_text, distance_text
from sitrep_desktop.geo.units import RadiiError, from_unit, parse_radii
from sitrep_desktop.store.spatial import PlaceDistance, places_within

if TYPE_CHECKING:
    from sitrep_desktop.ui.window.context import FeatureContext

# Near-black: rings are a measuring aid, and no faction wears this colour (the
# purple they had was Russia's).
RING_COLOUR = "#212121"
LABEL_FILL = (255, 255, 255, 210)
RING_VERTICES = 180


@dataclass(frozen=True)
class Ring:
    radius: float  # in the dialog's unit
    radius_m: float
    places: tuple[PlaceDistance, ...]  # inside the ring, nearest first


class RangeRingsDialog(QDialog):
    def __init__(self, ctx: FeatureContext) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.setWindowTitle("Range rings")
        self.centre_edit = QLineEdit()
        self.centre_edit.setPlaceholderText("place name, lat,lon, DMS or MGRS")
        names = [p.name for p in ctx.store.places.all()]
        completer = QCompleter(names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.centre_edit.setCompleter(completer)
        self.radii_edit = QLineEdit("10, 25, 50")
        self.units = QComboBox()
        self.units.addItems(["km", "mi", "nmi"])
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #b71c1c")
        self.error_label.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Place", "Distance", "Bearing"])
        self.draw_button = QPushButton("Draw")
        self.save_button = QPushButton("Save as annotations")
        self.save_button.setEnabled(False)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Take the rings off the map")
        hint = QLabel("The rings stay on the map after this window closes, until Clear.")
        hint.setStyleSheet("color: #616161")
        hint.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Centre", self.centre_edit)
        radii_row = QHBoxLayout()
        radii_row.addWidget(self.radii_edit)
        radii_row.addWidget(self.units)
        form.addRow("Radii", radii_row)
        buttons = QHBoxLayout()
        for button in (self.draw_button, self.save_button, self.clear_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        layout.addWidget(hint)

        self.draw_button.clicked.connect(self.draw)
        self.save_button.clicked.connect(self.save_annotations)
        self.clear_button.clicked.connect(self.clear_rings)
        self.centre_edit.returnPressed.connect(self.draw)
        self.radii_edit.returnPressed.connect(self.draw)

        self.centre: ResolvedPoint | None = None
        self.rings: list[Ring] = []
        self._items: list = []
        self._canvas = None
        self._prefill_from_selection()

    def _prefill_from_selection(self) -> None:
        selection = self.ctx.selection
        if selection is not None and selection.kind == "place":
            place = self.ctx.store.places.find(selection.id)
            if place is not None:
                self.centre_edit.setText(place.name)

    @property
    def unit(self) -> str:
        return self.units.currentText()

    # -- computing and drawing ------------------------------------------------------------
    def draw(self) -> bool:
        """Resolve the centre and radii, draw the rings and list the places; False on bad input."""
        self.clear_rings()
        store = self.ctx.store
        try:
            centre = resolve_point(self.centre_edit.text(), store.places.all(), Gazetteer.load())
            radii = parse_radii(self.radii_edit.text())
        except (PointInputError, RadiiError) as error:
            self.error_label.setText(str(error))
            return False
        self.error_label.setText("")
        self.centre = centre
        metres = [from_unit(r, self.unit) for r in radii]
        exclude = {centre.place_id} if centre.place_id else set()
        inside = places_within(store, centre.lat, centre.lon, metres[-1], exclude)
        self.rings = [
            Ring(r, m, tuple(f for f in inside if f.distance_m <= m)) for r, m in zip(radii, metres)
        ]
        self._draw_rings()
        self._fill_tree()
        self.save_button.setEnabled(True)
        return True

    def _draw_rings(self) -> None:
        canvas = self._canvas = self.ctx.canvas
        assert self.centre is not None
        places = self.ctx.store.places.all()
        for ring in self.rings:
            lats, lons = ring_track(self.centre.lat, self.centre.lon, ring.radius_m)
            x, y = canvas.lonlat_to_view(lons, lats)
            pen = pg.mkPen(RING_COLOUR, width=2, style=Qt.PenStyle.DashLine)
            self._add(pg.PlotDataItem(x=x, y=y, pen=pen), 44)
            label = pg.TextItem(
                f"{ring.radius:g} {self.unit}",
                color=RING_COLOUR,
                anchor=(0.5, 1),
                fill=pg.mkBrush(*LABEL_FILL),
            )
            place_x, place_y = canvas.lonlat_to_view(
                np.array([p.lon for p in places], float), np.array([p.lat for p in places], float)
            )
            k = label_vertex(x, y, np.asarray(place_x), np.asarray(place_y))
            label.setPos(float(x[k]), float(y[k]))
            self._add(label, 44)

    def _fill_tree(self) -> None:
        self.tree.clear()
        assert self.centre is not None
        for ring in self.rings:
            count = len(ring.places)
            top = QTreeWidgetItem(
                [f"Within {ring.radius:g} {self.unit} of {self.centre.name}: {count} place(s)"]
            )
            for found in ring.places:
                top.addChild(
                    QTreeWidgetItem(
                        [
                            found.place.name,
                            distance_text(found.distance_m, self.unit),
                            bearing_text(found.bearing),
                        ]
                    )
                )
            self.tree.addTopLevelItem(top)
            # The ring's heading spans the row, so it never widens the Place column
            # and pushes Bearing out of sight.
            top.setFirstColumnSpanned(True)
            top.setExpanded(True)
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)

    def _add(self, item, z: float) -> None:
        item.setZValue(z)
        self._canvas.addItem(item)
        self._items.append(item)

    def clear_rings(self) -> None:
        if self._canvas is not None:
            for item in self._items:
                self._canvas.removeItem(item)
        self._items = []
        self.rings = []
        self.tree.clear()
        self.save_button.setEnabled(False)

    # -- saving -------------------------------------------------------------------------
    def annotations(self) -> list[Annotation]:
        """One circle annotation per ring, its places listed in the notes."""
        if self.centre is None:
            return []
        result = []
        for ring in self.rings:
            points = geodesic_circle(self.centre.lat, self.centre.lon, ring.radius_m, RING_VERTICES)
            wkt = "POLYGON ((" + ", ".join(f"{lon:.7f} {lat:.7f}" for lat, lon in points) + "))"
            lines = [
                f"{f.place.name}: {distance_text(f.distance_m, self.unit)}, "
                f"{bearing_text(f.bearing)}"
                for f in ring.places
            ]
            result.append(
                Annotation(
                    geometry=wkt,
                    kind="circle",
                    label=f"{ring.radius:g} {self.unit} around {self.centre.name}",
                    notes="\n".join(
                        [
                            f"Geodesic circle, radius {ring.radius:g} {self.unit}, centre "
                            f"{self.centre.lat:.5f}, {self.centre.lon:.5f}.",
                            f"Places inside, nearest first ({len(lines)}):",
                            *lines,
                        ]
                    ),
                    style={"colour": RING_COLOUR, "width": 2, "dash": "dash", "fill_opacity": 0.05},
                )
            )
        return result

    def save_annotations(self) -> bool:
        records = self.annotations()
        if not records:
            return False
        command = AddRecords(records, text=f"save {len(records)} range ring(s)")
        return self.ctx.undo_stack.run(command, self)


def ring_track(lat: float, lon: float, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(lats, lons) of the closed geodesic circle, longitudes unwrapped for drawing."""
    ring = np.asarray(geodesic_circle(lat, lon, radius_m, RING_VERTICES))
    lons = np.degrees(np.unwrap(np.radians(ring[:, 1])))
    return ring[:, 0], lons


# Where a ring's label may sit, as vertices of ring_track (due north first,
# clockwise in steps of RING_VERTICES / 16): north, then the sides, south last.
LABEL_SPOTS = (0, 2, 14, 4, 12, 1, 15, 3, 13, 6, 10, 5, 11, 7, 9, 8)
CLEAR_SHARE = 0.3  # a spot this share of the radius from every place is clear


def label_vertex(x: np.ndarray, y: np.ndarray, place_x: np.ndarray, place_y: np.ndarray) -> int:
    """The ring vertex for its "25 mi" label: the first spot of LABEL_SPOTS clear
    of every place, else the one farthest from any. A label due north of Homs at
    25 mi sat on Hama, and Hama's name gave way to it."""
    vertices = [round(spot * (len(x) - 1) / 16) for spot in LABEL_SPOTS]
    if not len(place_x):
        return vertices[0]
    radius = float(np.hypot(x - x.mean(), y - y.mean()).mean())
    clearance = [float(np.hypot(place_x - x[k], place_y - y[k]).min()) for k in vertices]
    for k, clear in zip(vertices, clearance):
        if clear >= CLEAR_SHARE * radius:
            return k
    return vertices[int(np.argmax(clearance))]
