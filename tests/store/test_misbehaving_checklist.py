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


# -- limits a user can set (issue 16: "each configurable") -----------------------------


def test_limits_are_set_for_the_process_from_sitrep_limits(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    db = write_demo(tmp_path / "ops.db")
    source = tmp_path / "places.geojson"
    point = {"type": "Point", "coordinates": [36.0, 35.0]}
    features = [
        {"type": "Feature", "geometry": point, "properties": {"name": f"Village {n}"}}
        for n in range(8)
    ]
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    def run(limits: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "sitrep_desktop", "import", str(db), str(source)]
        env = {**os.environ, "SITREP_LIMITS": limits}
        return subprocess.run([*command, "--dry-run"], capture_output=True, text=True, env=env)

    capped = run("features=5, document_bytes=2MB")
    assert capped.returncode == 2 and "over the limit of 5 records (features)" in capped.stderr
    assert run("features=8").returncode == 0
    # A typo says so once and leaves the default caps; never a traceback.
    typo = run("featurs=5")
    assert typo.returncode == 0 and "unknown limit 'featurs'" in typo.stderr
    assert "Traceback" not in typo.stderr


def test_sitrep_limits_reads_units_and_refuses_nonsense() -> None:
    from sitrep_desktop.io.limits import MB, Limits, from_environment

    limits = from_environment("document_bytes=300MB,parse_bytes=4GB,name_chars=5000", Limits())
    assert (limits.document_bytes, limits.parse_bytes) == (300 * MB, 4096 * MB)
    assert limits.name_chars == 5000 and limits.features == Limits().features
    for bad in ("features=-1", "features=lots", "features=0"):
        with pytest.raises(ValueError, match="positive number"):
            from_environment(bad, Limits())
