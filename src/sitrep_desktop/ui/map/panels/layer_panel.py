"""The layer panel: show, hide, reorder and restyle everything the map draws.

Rows, top of the list drawn on top: the database's places, events and
annotations; the user's own layers (remembered in the database); the offline
basemap layers. Ticking a row shows or hides it; Up/Down change the order
within its group; Colour… restyles lines; "Zoom to" fits a user layer.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QGridLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sitrep_desktop.io.mbtiles import MBTilesError
from sitrep_desktop.io.vector_layers import FILE_FILTER, LayerFileError

ROLE = Qt.ItemDataRole.UserRole  # ("data" | "user" | "basemap", key)
DATA_LAYERS = ("Places", "Events", "Annotations")

# Raster tiles (satellite, topographic) made for offline use: see docs/backgrounds.md.
BACKGROUND_FILTER = "Background map, raster MBTiles (*.mbtiles)"


class LayerPanel(QWidget):
    def __init__(
        self, canvas, user_layers, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.user_layers = user_layers
        # How the basemap and the data layers look is the user's, not the file's:
        # kept in the settings. User layers live in the database with their file.
        self.settings = settings
        self._restore()
        self.list = QListWidget()
        self.buttons = {}
        grid = QGridLayout()
        for i, (key, text) in enumerate(
            [
                ("add", "Add layer or background…"),
                ("remove", "Remove"),
                ("up", "Up"),
                ("down", "Down"),
                ("colour", "Colour…"),
                ("zoom", "Zoom to"),
            ]
        ):
            button = QPushButton(text)
            grid.addWidget(button, i // 2, i % 2)
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(grid)
        self.buttons["add"].clicked.connect(self.add_dialog)
        self.buttons["remove"].clicked.connect(self.remove_current)
        self.buttons["up"].clicked.connect(lambda: self.move_current(-1))
        self.buttons["down"].clicked.connect(lambda: self.move_current(1))
        self.buttons["colour"].clicked.connect(self.colour_dialog)
        self.buttons["zoom"].clicked.connect(self.zoom_to_current)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentItemChanged.connect(lambda *_: self._enable_buttons())
        self.rebuild()

    # -- the rows -------------------------------------------------------------------
    def _data_items(self) -> dict:
        c = self.canvas  # drawings are switched through the canvas (set_annotations_shown)
        return {
            "Places": [c.place_scatter, c.place_labels, c.highlight],
            "Events": [c.event_scatter, c.events_layer.cells_item],
        }

    def _data_shown(self, title: str) -> bool:
        if title == "Annotations":
            return self.canvas.annotations_shown
        return self._data_items()[title][0].isVisible()

    # -- remembered between sessions ------------------------------------------------
    def _restore(self) -> None:
        if self.settings is None:
            return
        basemap = self.canvas.basemap
        for layer, item in basemap.items.items():
            prefix = f"map/basemap/{layer}/"
            shown = self.settings.value(prefix + "visible")
            if shown is not None:
                basemap.set_visible(layer, str(shown).lower() == "true")
            colour = self.settings.value(prefix + "colour")
            if colour and QColor(str(colour)).isValid():
                item.set_colour(str(colour))
            z = self.settings.value(prefix + "z")
            if z is not None:
                try:
                    item.setZValue(float(z))
                except (TypeError, ValueError):
                    pass  # a hand-edited settings file: keep the default order
        for title in DATA_LAYERS:
            shown = self.settings.value(f"map/data/{title}/visible")
            if shown is not None:
                self._show_data(title, str(shown).lower() == "true")

    def _save(self) -> None:
        if self.settings is None:
            return
        for layer, item in self.canvas.basemap.items.items():
            prefix = f"map/basemap/{layer}/"
            self.settings.setValue(prefix + "visible", item.wanted)
            self.settings.setValue(prefix + "colour", item.colour)
            self.settings.setValue(prefix + "z", item.zValue())
        for title in DATA_LAYERS:
            self.settings.setValue(f"map/data/{title}/visible", self._data_shown(title))

    def _show_data(self, title: str, shown: bool) -> None:
        if title == "Annotations":
            self.canvas.set_annotations_shown(shown)
        else:
            for item in self._data_items()[title]:
                item.setVisible(shown)

    def rebuild(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for title in DATA_LAYERS:
            self._row(title, ("data", title), self._data_shown(title))
        for layer in reversed(self.user_layers.repository.all()):
            broken = self.user_layers.errors.get(layer.id)
            row = self._row(f"{layer.name} ({layer.format})", ("user", layer.id), layer.visible)
            if broken:
                row.setText(f"{layer.name} — cannot be read")
                row.setToolTip(broken)
        items = sorted(self.canvas.basemap.items.values(), key=lambda i: -i.zValue())
        for item in items:
            row = self._row(f"Basemap: {item.title}", ("basemap", item.layer), item.wanted)
            row.setForeground(_text_colour(item.colour))
        self.list.blockSignals(False)
        self._enable_buttons()

    def _row(self, text: str, key: tuple[str, str], checked: bool) -> QListWidgetItem:
        row = QListWidgetItem(text)
        row.setData(ROLE, key)
        row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(row)
        return row

    def row_for(self, group: str, key: str) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(ROLE) == (group, key):
                return self.list.item(i)
        return None

    def _current(self) -> tuple[str, str] | None:
        item = self.list.currentItem()
        return None if item is None else tuple(item.data(ROLE))

    def _enable_buttons(self) -> None:
        current = self._current()
        group = current[0] if current else ""
        self.buttons["remove"].setEnabled(group == "user")
        self.buttons["zoom"].setEnabled(group == "user")
        self.buttons["colour"].setEnabled(group in ("user", "basemap"))
        movable = group == "user" or (
            group == "basemap" and self.canvas.basemap.items[current[1]].reorderable
        )
        self.buttons["up"].setEnabled(movable)
        self.buttons["down"].setEnabled(movable)

    # -- actions ----------------------------------------------------------------------
    def set_shown(self, group: str, key: str, shown: bool) -> None:
        if group == "basemap":
            self.canvas.basemap.set_visible(key, shown)
        elif group == "data":
            self._show_data(key, shown)
        elif group == "user":
            self.user_layers.repository.update(key, visible=shown)
        self._save()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        group, key = item.data(ROLE)
        self.set_shown(group, key, item.checkState() == Qt.CheckState.Checked)

    def add_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Add a map layer or a background map",
            "",
            f"{FILE_FILTER};;{BACKGROUND_FILTER};;All files (*)",
        )
        if path:
            self.add_file(path)

    def add_file(self, path: str) -> bool:
        try:
            layer = self.user_layers.add_file(path)
        except (LayerFileError, MBTilesError, OSError) as exc:
            QMessageBox.warning(self, "Add layer", str(exc))
            return False
        self.rebuild()
        row = self.row_for("user", layer.id)
        if row is not None:
            self.list.setCurrentItem(row)
            self.zoom_to_current()
        return True

    def remove_current(self) -> None:
        current = self._current()
        if current and current[0] == "user":
            self.user_layers.repository.remove(current[1])
            self.rebuild()

    def move_current(self, step: int) -> None:
        current = self._current()
        if not current:
            return
        group, key = current
        if group == "user":
            ids = [layer.id for layer in reversed(self.user_layers.repository.all())]
        elif group == "basemap" and self.canvas.basemap.items[key].reorderable:
            # The land stays under every line: only the lines change places.
            items = [i for i in self.canvas.basemap.items.values() if i.reorderable]
            ids = [i.layer for i in sorted(items, key=lambda i: -i.zValue())]
        else:
            return
        index = ids.index(key)
        target = index + step
        if not 0 <= target < len(ids):
            return
        ids[index], ids[target] = ids[target], ids[index]
        if group == "user":
            self.user_layers.repository.reorder(list(reversed(ids)))
        else:
            for z, layer in enumerate(reversed(ids)):
                self.canvas.basemap.items[layer].setZValue(1.0 + z)
            self._save()
        self.rebuild()
        self.list.setCurrentItem(self.row_for(group, key))

    def colour_dialog(self) -> None:
        current = self._current()
        if not current:
            return
        colour = QColorDialog.getColor(parent=self, title="Layer colour")
        if colour.isValid():
            self.set_colour(current[0], current[1], colour.name())

    def set_colour(self, group: str, key: str, colour: str) -> None:
        if group == "basemap":
            self.canvas.basemap.items[key].set_colour(colour)
            self._save()
        elif group == "user":
            layer = self.user_layers.repository.get(key)
            if layer is not None:
                self.user_layers.repository.update(key, style={**layer.style, "colour": colour})
        self.rebuild()

    def zoom_to_current(self) -> None:
        current = self._current()
        if current and current[0] == "user":
            rect = self.user_layers.bounds(current[1])
            if rect is not None:
                self.canvas.view.setRange(rect=rect, padding=0.1)


def _text_colour(colour: str) -> QColor:
    """A layer's colour, dark enough to read as a row's text (the land's beige is not)."""
    shade = QColor(colour).darker(130)
    if shade.lightness() > 150:
        shade = QColor.fromHsl(shade.hslHue(), shade.hslSaturation(), 110)
    return shade
