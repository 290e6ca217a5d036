"""A full disk, a read-only disk, another program's lock: each named as what it is."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from locked_db import held_locked, quick_lock_wait
from sitrep_desktop.app import main
from sitrep_desktop.domain import Place
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import DatabaseBusyError, Store
from sitrep_desktop.store.errors import DiskFullError, ReadOnlyError


def _mount(folder: Path, size: str) -> None:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path: Path):
    folder = tmp_path / "disk"
    _mount(folder, "1m")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def _fill(folder: Path) -> None:
    with pytest.raises(OSError, match="No space left"), (folder / "filler").open("wb") as f:
        while True:
            f.write(b"x" * 4096)
            f.flush()


def _big_place(n: int) -> Place:
    return Place(name=f"Village {n}", lat=35.0, lon=36.0, notes="n" * 20_000)


def test_an_edit_on_a_full_disk_says_the_disk_is_full(small_disk: Path) -> None:
    db = write_demo(small_disk / "demo.db")
    with Store.open(db) as store:
        places = store.places.count()
        _fill(small_disk)
        # Was "cannot rollback - no transaction is active", hiding the real cause.
        with pytest.raises(DiskFullError, match="the disk is full"):
            for n in range(50):
                store.places.add(_big_place(n))
        assert not store.in_transaction
    (small_disk / "filler").unlink()
    with Store.open(db) as store:
        assert store.integrity_ok() and store.places.count() >= places


def test_an_import_on_a_full_disk_is_one_line_naming_the_full_disk(small_disk, capsys) -> None:
    db = write_demo(small_disk / "demo.db")
    source = small_disk.parent / "many.csv"
    rows = "".join(f"2024-12-06,Event {n} {'x' * 400},34.9,36.7\n" for n in range(3000))
    source.write_text("at,title,lat,lon\n" + rows, encoding="utf-8")
    _fill(small_disk)
    code = main(["import", str(db), str(source)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "disk is full" in err and "damaged" not in err and "rollback" not in err


@pytest.fixture
def read_only_disk(tmp_path: Path):
    folder = tmp_path / "ro"
    _mount(folder, "4m")
    write_demo(folder / "demo.db")
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_file_on_a_read_only_disk_opens_for_reading_and_refuses_edits(read_only_disk) -> None:
    with Store.open(read_only_disk / "demo.db") as store:  # was: "damaged"
        assert store.read_only
        assert store.places.count() > 0
        with pytest.raises(ReadOnlyError, match="read-only"):
            store.places.add(_big_place(1))


def test_the_command_line_reads_a_read_only_disk_and_names_it_on_import(
    read_only_disk, tmp_path, capsys
) -> None:
    db = read_only_disk / "demo.db"
    assert main(["control", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["places"]
    source = tmp_path / "one.csv"
    source.write_text("at,title,lat,lon\n2024-12-06,Convoy,34.9,36.7\n", encoding="utf-8")
    assert main(["import", str(db), str(source)]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err and "damaged" not in err and err.count("\n") == 1


def test_a_file_another_program_holds_locked_is_named_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_lock_wait(monkeypatch)
    db = write_demo(tmp_path / "demo.db")
    with held_locked(db):
        with pytest.raises(DatabaseBusyError, match="locked by another program"):
            Store.open(db)
