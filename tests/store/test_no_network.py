"""An offline laptop must stay offline: the core, the CLI and the window open no connection.

Python-level sockets are blocked, so any library reaching for the network fails
the test; Qt's own networking (QtNetwork) would bypass Python sockets, so the
test also checks that no network module of Qt gets imported.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from sitrep_desktop.app import main

QT_NETWORK_MODULES = ("PySide6.QtNetwork", "PySide6.QtWebEngineCore", "PySide6.QtWebSockets")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any attempt to reach a host fails the test (and is recorded)."""
    attempts: list[str] = []

    def refuse(what: str) -> Any:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise AssertionError(f"network access attempted: {what} {args!r}")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("socket.sendto"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def test_the_command_line_stays_offline(
    no_network: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "offline.db")
    assert main(["demo", db]) == 0
    assert main(["control", db, "--json"]) == 0
    assert main(["control", db, "--at", "2024-12-01"]) == 0
    assert main(["events", db, "--search", "Hama"]) == 0
    assert main(["events", db, "--json", "--since", "2024-12-05"]) == 0
    assert '"faction_short": "HTS"' in capsys.readouterr().out
    assert no_network == []


def test_the_snapshot_command_stays_offline(no_network: list[str], qapp, tmp_path: Path) -> None:
    # qapp: a QApplication before the command makes its own QGuiApplication, so
    # later widget tests in this process still get the application they need.
    if importlib.util.find_spec("sitrep_desktop.cli.snapshot") is None:
        pytest.skip("no snapshot command yet")
    db = str(tmp_path / "offline.db")
    assert main(["demo", db]) == 0
    out = tmp_path / "map.png"
    code = main(["snapshot", db, "-o", str(out), "--size", "400x300"])
    assert code == 0 and out.stat().st_size > 0
    assert no_network == []


def test_the_core_stays_offline(no_network: list[str], tmp_path: Path) -> None:
    from sitrep_desktop.geo.coords import parse_point
    from sitrep_desktop.services.demo import write_demo
    from sitrep_desktop.store import Store
    from sitrep_desktop.store.backups import list_backups, make_backup

    with Store.open(write_demo(tmp_path / "core.db")) as store:
        store.control.control_map("2024-12-05")
        store.events.query(search="airstrike")
        store.places.search("Homs")
        make_backup(store, "test")
    assert list_backups(tmp_path / "core.db")
    assert parse_point("34.72405, 36.72559") == pytest.approx((34.72405, 36.72559))
    assert no_network == []


@pytest.mark.skipif(
    importlib.util.find_spec("sitrep_desktop.ui.window.main_window") is None,
    reason="the main window is not written yet",
)
def test_the_window_stays_offline(no_network: list[str], qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from sitrep_desktop.services.demo import write_demo
    from sitrep_desktop.ui.window.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(write_demo(tmp_path / "window.db"))
    qtbot.wait(200)  # let the map draw its basemap and labels
    window.close()
    assert no_network == []
    loaded = [name for name in QT_NETWORK_MODULES if name in sys.modules]
    assert loaded == [], f"Qt network modules imported: {loaded}"
