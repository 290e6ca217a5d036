"""`sitrep merge` from a shell: exit codes, the JSON contract, conflicts kept as ours."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from sitrep_desktop.cli.main import run_cli
from sitrep_desktop.domain import Event
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash


@pytest.fixture()
def laptops(tmp_path: Path) -> tuple[Path, Path]:
    ana = write_demo(tmp_path / "ana.db")
    bob = tmp_path / "bob.db"
    shutil.copy(ana, bob)
    return ana, bob


def _retitle(path: Path, title: str) -> str:
    with Store.open(path) as store:
        event = store.events.all()[0]
        store.events.update(dataclasses.replace(event, title=title))
        return event.id


def test_merge_prints_json_counts_and_keeps_ours_in_a_conflict(laptops, capsys):
    ana, bob = laptops
    conflicted = _retitle(ana, "Ana's title")
    _retitle(bob, "Bob's title")
    with Store.open(bob) as store:
        place = store.places.all()[0]
        new = store.events.add(Event(at="2024-12-07", title="New at Bob", place_id=place.id))
    assert run_cli(["merge", str(ana), str(bob), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"] == {"added": 1, "updated": 0, "deleted": 0, "restored": 0, "kept": 0,
                             "conflicts": 1}  # fmt: skip
    assert out["added"] == [{"kind": "event", "id": new.id}]
    (conflict,) = out["conflicts"]
    assert conflict["id"] == conflicted
    assert conflict["fields"][0] == {
        "field": "title",
        "ours": "Ana's title",
        "theirs": "Bob's title",
        "ancestor": conflict["fields"][0]["ancestor"],
    }
    assert conflict["fields"][0]["ancestor"] not in ("Ana's title", "Bob's title")
    with Store.open(ana) as store:
        assert store.events.get(conflicted).title == "Ana's title"


def test_merge_in_words_lists_each_conflict_field(laptops, capsys):
    ana, bob = laptops
    _retitle(ana, "Ana's title")
    _retitle(bob, "Bob's title")
    assert run_cli(["merge", str(ana), str(bob)]) == 0
    out = capsys.readouterr().out
    assert "1 conflict(s)" in out and 'title: ours "Ana\'s title"; theirs "Bob\'s title"' in out


def test_dry_run_changes_nothing(laptops, capsys):
    ana, bob = laptops
    _retitle(bob, "Bob's title")
    with Store.open(ana) as store:
        before = content_hash(store)
    assert run_cli(["merge", str(ana), str(bob), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] is True and out["counts"]["updated"] == 1
    with Store.open(ana) as store:
        assert content_hash(store) == before


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("missing.db", "does not exist"),
        ("notes.txt", "not a SitRep database"),
        ("ana.db", "is the database itself"),
    ],
)
def test_bad_other_exits_2_with_one_line(laptops, capsys, other, message):
    ana, _ = laptops
    (ana.parent / "notes.txt").write_text("not a database\n")
    assert run_cli(["merge", str(ana), str(ana.parent / other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sitrep merge:") and message in err


def test_a_missing_database_exits_2(tmp_path, capsys):
    other = write_demo(tmp_path / "other.db")
    assert run_cli(["merge", str(tmp_path / "none.db"), str(other)]) == 2
    assert "does not exist" in capsys.readouterr().err
