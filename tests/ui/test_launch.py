"""Start-up: the first run creates the user's database from the demo and says so;
features arrive just after the map's first paint."""

from pathlib import Path

from PySide6.QtCore import QSettings

from sitrep_desktop.ui.window.launch import open_initial
from sitrep_desktop.ui.window.main_window import MainWindow


def test_first_run_creates_the_database_from_the_demo_and_says_so(qtbot, tmp_path):
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    path = tmp_path / "data" / "sitrep.db"
    with qtbot.waitSignal(window.sigFeaturesInstalled, timeout=10_000):
        open_initial(window, path, first_run=True)
    assert path.exists()
    assert window.store.places.by_name("Homs") is not None
    welcome = window.welcome_box
    assert welcome.isVisible() and not welcome.isModal()  # the map is usable behind it
    assert str(path) in welcome.text() and "demo" in welcome.text()
    assert str(path) in window.statusBar().currentMessage()
    # Features came after the first paint: their menus are there now.
    assert window.features is not None and window.features.backups is not None


def test_an_existing_database_is_opened_as_it_is(qtbot, tmp_path):
    from sitrep_desktop.services.demo import write_demo

    path = write_demo(tmp_path / "mine.db")
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.sigFeaturesInstalled, timeout=10_000):
        open_initial(window, path, first_run=False)
    assert window.db_path == path
    assert not hasattr(window, "welcome_box")  # nothing to announce for the user's own file


def test_the_command_line_and_the_window_agree_on_the_default_database():
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    from sitrep_desktop.paths import APPLICATION, ORGANISATION, default_database_path

    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    try:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    finally:
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
    assert default_database_path() == Path(folder) / "sitrep.db"
