"""Two windows, or two programs, on one file: every entry lands, and each sees the other's."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.store import ConflictError, Store, StoreChange

SRC = str(Path(__file__).resolve().parents[2] / "src")

WRITER = """
import sys
from sitrep_desktop.domain import Event
from sitrep_desktop.store import Store

name, count = sys.argv[2], int(sys.argv[3])
with Store.open(sys.argv[1], author=name) as store:
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for i in range(count):
        event = store.events.add(Event(at="2024-12-05T10:00Z", title=f"{name} report {i}"))
        print(event.id, flush=True)
"""


@pytest.fixture
def db(new_demo_file) -> Path:
    return new_demo_file("shared.db")


def test_the_second_window_sees_the_first_windows_writes(db: Path) -> None:
    with Store.open(db, author="first") as first, Store.open(db, author="second") as second:
        heard: list[StoreChange] = []
        second.subscribe(heard.append)
        assert not second.check_external_changes()
        place = first.places.add(Place(name="Kafr Nabudah", lat=35.44, lon=36.50, kind="village"))
        assert second.check_external_changes()
        assert heard == [StoreChange("*", "external")]
        assert second.places.get(place.id).name == "Kafr Nabudah"
        assert not second.check_external_changes()  # news once, not on every look
        second.events.add(Event(at="2024-12-05", title="Seen from the second window"))
        assert not second.check_external_changes()  # its own write is not external
        assert first.check_external_changes()


def test_two_windows_editing_one_record_do_not_lose_an_edit(db: Path) -> None:
    with Store.open(db, author="first") as first, Store.open(db, author="second") as second:
        hama_in_first = first.places.by_name("Hama")
        hama_in_second = second.places.by_name("Hama")
        assert hama_in_first is not None and hama_in_second is not None
        first.places.update(dataclasses.replace(hama_in_first, notes="Taken on 5 December"))
        with pytest.raises(ConflictError, match="changed elsewhere"):
            second.places.update(dataclasses.replace(hama_in_second, notes="Still contested"))
        assert second.places.get(hama_in_first.id).notes == "Taken on 5 December"


def test_two_stores_writing_from_two_threads_keep_every_entry(db: Path) -> None:
    errors: list[BaseException] = []
    written: list[str] = []
    lock = threading.Lock()

    def write(name: str) -> None:
        try:
            with Store.open(db, author=name) as store:
                for i in range(60):
                    event = store.events.add(Event(at="2024-12-06", title=f"{name} {i}"))
                    with lock:
                        written.append(event.id)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in ("north", "south")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Store.open(db) as store:
        assert {e.id for e in store.events.many(written)} == set(written)
        assert len(written) == 120


def test_two_processes_writing_at_the_same_time_keep_every_entry(db: Path) -> None:
    count = 150
    env = {**os.environ, "PYTHONPATH": SRC}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), name, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for name in ("laptop-a", "laptop-b")
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        with Store.open(db, author="viewer") as viewer:
            for child in children:
                assert child.stdin is not None
                child.stdin.write("go\n")
                child.stdin.flush()
            outputs = [child.communicate(timeout=120) for child in children]
            assert [c.returncode for c in children] == [0, 0], [err for _, err in outputs]
            assert viewer.check_external_changes()
            ids = [line for out, _ in outputs for line in out.split()]
            assert len(ids) == 2 * count
            assert len(viewer.events.many(ids)) == 2 * count
            authors = {e.author for e in viewer.events.many(ids)}
            assert authors == {"laptop-a", "laptop-b"}
            assert viewer.integrity_ok()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()
