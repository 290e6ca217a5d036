"""Issue 16, found again while auditing it: what the first round of tests did not hold.

Each test reproduces what the audit did by hand (the command line on a fresh demo
database) and fails on the code before its fix.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sitrep_desktop.app import main
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import Store


def _is_sitrep_file(path: Path) -> bool:
    with Store.open(path) as store:
        return store.integrity_ok() and store.places.count() > 0


@pytest.mark.parametrize("fmt", ["geojson", "kml", "csv", "gpkg"])
def test_exporting_onto_the_database_itself_is_refused_and_the_database_kept(
    tmp_path, capsys, fmt
) -> None:
    db = write_demo(tmp_path / "ops.db")
    # A slip of the tab key: was exit 0, the database replaced by its own export, no backup.
    code = main(["export", str(db), str(db), "--format", fmt])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "ops.db is the database being exported" in err
    assert _is_sitrep_file(db)


def test_exporting_onto_the_databases_journal_or_a_link_to_it_is_refused(tmp_path, capsys):
    db = write_demo(tmp_path / "ops.db")
    link = tmp_path / "link.geojson"
    link.symlink_to(db)
    for target in (link, Path(f"{db}-wal")):
        assert main(["export", str(db), str(target), "--format", "geojson"]) == 2
        assert "is the database being exported" in capsys.readouterr().err
    assert _is_sitrep_file(db)
    assert main(["export", str(db), str(tmp_path / "ops.geojson")]) == 0  # elsewhere: fine


def test_a_sqlite_error_of_the_file_itself_never_escapes_as_a_traceback(tmp_path, capsys):
    db = write_demo(tmp_path / "ops.db")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    for verb in (["control"], ["events"], ["export", "--format", "csv"]):
        args = [
            verb[0],
            str(db),
            *([str(tmp_path / "out.csv")] if verb[0] == "export" else []),
            *verb[1:],
        ]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "newer SitRep Desktop" in err
