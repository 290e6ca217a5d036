"""Start-up: the first run creates the user's database from the demo and says so;
features arrive just after the map's first paint."""

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from sitrep_desktop.ui.launch import open_initial
from sitrep_desktop.ui.main_window import MainWindow


def test_first_run_creates_the_database_from_the_demo_and_says_so(qtbot, tmp_path, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _w, _t, text: told.append(text))
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    path = tmp_path / "data" / "sitrep.db"
    with qtbot.waitSignal(window.sigFeaturesInstalled, timeout=10_000):
        open_initial(window, path, first_run=True)
    assert path.exists()
    assert window.store.places.by_name("Homs") is not None
    assert told and str(path) in told[0] and "demo" in told[0]
    assert str(path) in window.statusBar().currentMessage()
    # Features came after the first paint: their menus are there now.
    assert hasattr(window, "logging") and hasattr(window, "backups")


def test_an_existing_database_is_opened_as_it_is(qtbot, tmp_path, monkeypatch):
    from sitrep_desktop.demo_situation import write_demo

    path = write_demo(tmp_path / "mine.db")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args))
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.sigFeaturesInstalled, timeout=10_000):
        open_initial(window, path, first_run=False)
    assert window.db_path == path
    assert told == []  # nothing to announce for a file the user already has
