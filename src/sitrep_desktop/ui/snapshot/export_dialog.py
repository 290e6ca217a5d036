"""File > Export snapshot…: what to draw (extent, time), onto what (file, paper, DPI)
and under which title, remembered for the next time.

The extent is the current view, or a radius around a place (as `sitrep snapshot
--around Homs --radius 60km`); the time is the map's "as of" unless changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.domain.times import parse_moment
from sitrep_desktop.geo.geodesy import geodesic_circle
from sitrep_desktop.services.snapshot import LAYERS, ORIENTATIONS, PAPER_MM, SnapshotRequest
from sitrep_desktop.ui.map.layers.control_areas import ControlAreaLayer
from sitrep_desktop.ui.window.context import FeatureContext

FILTER = "PNG picture (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"
SCREEN = "screen size (pixels)"
DPI_CHOICES = (150, 300)
RADIUS_KM = 60.0


def layers_on_screen(ctx: FeatureContext) -> tuple[str, ...]:
    """The snapshot layers the map shows now: a reader who turned the estimated areas,
    the events or the drawings off does not want them on the page either."""
    canvas = ctx.canvas
    estimates = ctx.parent.findChild(ControlAreaLayer)  # the drawing feature's, if installed
    shown = {
        "basemap": True,
        "estimates": estimates is None or estimates.enabled,
        "places": canvas.place_scatter.isVisible(),
        "events": canvas.event_scatter.isVisible(),
        "drawings": canvas.annotations_shown,
    }
    return tuple(layer for layer in LAYERS if shown[layer])


def extent_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(W, S, E, N) of the geodesic circle of `radius_m` around the point."""
    ring = geodesic_circle(lat, lon, radius_m, 72)
    lats, lons = [p[0] for p in ring], [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


class SnapshotDialog(QDialog):
    """The snapshot's options; `request()` builds what Snapshot draws (None: a field is wrong)."""

    def __init__(self, ctx: FeatureContext, parent: QWidget | None = None) -> None:
        super().__init__(parent or ctx.parent)
        self.ctx = ctx
        self.setWindowTitle("Export snapshot")
        # Wide enough that a window manager never elides the title ("Export… pshot").
        self.setMinimumWidth(max(520, self.fontMetrics().horizontalAdvance("Export snapshot") * 4))
        settings = ctx.settings
        self.path_edit = QLineEdit(str(settings.value("snapshot/path", "snapshot.png")))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_path)
        self.view_button = QRadioButton("The current view")
        self.around_button = QRadioButton("Around")
        self.box_button = QRadioButton("A box drawn on the map")
        self.draw_box_button = QPushButton("Draw box…")
        self.draw_box_button.clicked.connect(self._ask_for_box)
        self.box_requested = False  # the caller lets the user draw, then opens this again
        self.box: tuple[float, float, float, float] | None = None
        group = QButtonGroup(self)
        for button in (self.view_button, self.around_button, self.box_button):
            group.addButton(button)
        self.place_edit = QLineEdit(str(settings.value("snapshot/around", "")))
        self.place_edit.setPlaceholderText("a place, e.g. Homs")
        self.place_edit.setCompleter(QCompleter([p.name for p in ctx.store.places.all()], self))
        self.radius_box = QDoubleSpinBox(minimum=1.0, maximum=5000.0, decimals=0, suffix=" km")
        self.radius_box.setValue(float(settings.value("snapshot/radius_km", RADIUS_KM)))
        around = settings.value("snapshot/extent", "view") == "around"
        (self.around_button if around else self.view_button).setChecked(True)
        at = ctx.time_state.at
        self.at_edit = QLineEdit(at.text if at is not None else "")
        self.at_edit.setPlaceholderText("latest (or e.g. 2024-12-06)")
        self.paper_box = QComboBox()
        self.paper_box.addItems([SCREEN, *PAPER_MM])
        self.paper_box.setCurrentText(str(settings.value("snapshot/paper", "A4")))
        self.orientation_box = QComboBox()
        self.orientation_box.addItems(list(ORIENTATIONS))
        self.orientation_box.setCurrentText(
            str(settings.value("snapshot/orientation", "landscape"))
        )
        self.dpi_box = QComboBox()
        self.dpi_box.addItems([str(d) for d in DPI_CHOICES])
        self.dpi_box.setCurrentText(str(settings.value("snapshot/dpi", 300)))
        self.title_edit = QLineEdit(str(settings.value("snapshot/title", "Situation map")))
        self.subtitle_edit = QLineEdit(str(settings.value("snapshot/subtitle", "")))
        self.subtitle_edit.setPlaceholderText("optional, e.g. Sources: field reports")
        self.message = QLabel("")
        self.message.setStyleSheet("color:#c62828")
        self.message.setWordWrap(True)

        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        around_row = QHBoxLayout()
        around_row.addWidget(self.around_button)
        around_row.addWidget(self.place_edit, 1)
        around_row.addWidget(self.radius_box)
        form = QFormLayout(self)
        form.addRow("File", file_row)
        form.addRow("Extent", self.view_button)
        form.addRow("", around_row)
        box_row = QHBoxLayout()
        box_row.addWidget(self.box_button)
        box_row.addWidget(self.draw_box_button)
        box_row.addStretch(1)
        form.addRow("", box_row)
        form.addRow("As of", self.at_edit)
        paper_row = QHBoxLayout()
        paper_row.addWidget(self.paper_box, 1)
        paper_row.addWidget(self.orientation_box)
        form.addRow("Paper", paper_row)
        form.addRow("Dots per inch", self.dpi_box)
        form.addRow("Title", self.title_edit)
        form.addRow("Subtitle", self.subtitle_edit)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.place_edit.textEdited.connect(lambda _t: self.around_button.setChecked(True))

    @property
    def path(self) -> Path:
        path = Path(self.path_edit.text().strip() or "snapshot.png")
        return path if path.suffix.lower() in (".png", ".svg", ".pdf") else path.with_suffix(".png")

    def request(self) -> SnapshotRequest | None:
        fmt = self.path.suffix.lower().lstrip(".")
        try:
            bbox = self._extent()
            at_text = self.at_edit.text().strip()
            at = parse_moment(at_text, "as of") if at_text else None
        except (ValidationError, ValueError) as exc:
            self.message.setText(str(exc))
            return None
        paper = self.paper_box.currentText()
        on_paper = paper != SCREEN
        canvas = self.ctx.canvas
        # At screen size a PDF is a page of the screen's shape, as the PNG is: a
        # page of another shape would show another extent of the same view.
        screen = (max(canvas.width(), 400) * 2, max(canvas.height(), 300) * 2)
        return SnapshotRequest(
            bbox=bbox,
            fmt=fmt,
            at=at,
            title=self.title_edit.text().strip() or "Situation map",
            subtitle=self.subtitle_edit.text().strip(),
            size=None if on_paper else screen,
            paper=paper if on_paper else None,
            dpi=int(self.dpi_box.currentText()) if on_paper else 150,
            orientation=self.orientation_box.currentText(),
            filters=self._filters(),
            layers=layers_on_screen(self.ctx),
            basemap_layers=tuple(
                name for name, item in self.ctx.canvas.basemap.items.items() if item.wanted
            ),
        )

    def _extent(self) -> tuple[float, float, float, float]:
        if self.box_button.isChecked():
            if self.box is None:
                raise ValueError("Extent: draw the box on the map first (Draw box…)")
            return self.box
        if not self.around_button.isChecked():
            return self.ctx.canvas.visible_lonlat()
        name = self.place_edit.text().strip()
        place = self.ctx.store.places.by_name(name) if name else None
        if place is None:
            raise ValueError(f"Around: no place named {name!r} in this database")
        return extent_around(place.lat, place.lon, self.radius_box.value() * 1000.0)

    def _filters(self) -> dict:
        if self.box_button.isChecked() and self.box is not None:
            return {"box": ",".join(f"{v:.5f}" for v in self.box)}
        if not self.around_button.isChecked():
            return {}
        return {
            "around": self.place_edit.text().strip(),
            "radius": f"{self.radius_box.value():g}km",
        }

    def set_box(self, box: tuple[float, float, float, float] | None) -> None:
        """The box the user drew (None: cancelled, the extent stays as it was)."""
        if box is not None:
            self.box = box
            self.box_button.setChecked(True)
            west, south, east, north = box
            self.box_button.setText(
                f"A box drawn on the map ({west:.2f}, {south:.2f} to {east:.2f}, {north:.2f})"
            )

    def _ask_for_box(self) -> None:
        # Closed, not hidden: hiding a dialog in exec() ends it anyway. The caller
        # (export_snapshot_dialog) sees box_requested, lets the user draw, reopens.
        self.box_requested = True
        self.done(QDialog.DialogCode.Rejected)

    def remember(self) -> None:
        settings = self.ctx.settings
        settings.setValue("snapshot/path", str(self.path))
        # A drawn box is for one snapshot: the next starts from the view again.
        settings.setValue("snapshot/extent", "around" if self.around_button.isChecked() else "view")
        settings.setValue("snapshot/around", self.place_edit.text().strip())
        settings.setValue("snapshot/radius_km", self.radius_box.value())
        settings.setValue("snapshot/paper", self.paper_box.currentText())
        settings.setValue("snapshot/dpi", int(self.dpi_box.currentText()))
        settings.setValue("snapshot/title", self.title_edit.text().strip())
        settings.setValue("snapshot/subtitle", self.subtitle_edit.text().strip())
        settings.setValue("snapshot/orientation", self.orientation_box.currentText())

    def accept(self) -> None:
        if self.request() is None:
            return
        self.remember()
        super().accept()

    def _choose_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export snapshot", str(self.path), FILTER)
        if path:
            self.path_edit.setText(path)
