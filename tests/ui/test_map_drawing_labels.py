"""Place names keep clear of the drawings' own labels (the M5, the coastal region)."""

from pathlib import Path

from PySide6.QtCore import QRectF, QSettings

from sitrep_desktop.demo_situation import write_demo
from sitrep_desktop.store import Store
from sitrep_desktop.ui.main_window import MainWindow


def test_place_labels_do_not_overlap_drawing_labels(qtbot, tmp_path: Path):
    path = write_demo(tmp_path / "demo.db")
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.open_store(Store.open(path), path)
    window.resize(1400, 900)
    window.show()
    canvas = window.canvas
    for box in ((35.3, 34.4, 37.3, 36.0), (34.0, 32.5, 39.0, 37.0)):
        canvas.set_lonlat_range(*box)
        canvas.grab()  # paint: labels are laid out at paint time
        drawings = [QRectF(*b) for b in canvas._drawing_label_boxes()]
        assert drawings, "the demo's drawings have labels on screen"
        for _text, rect in canvas.place_labels.drawn:
            assert not any(rect.intersects(d) for d in drawings), _text
