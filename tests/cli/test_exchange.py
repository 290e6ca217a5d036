"""`sitrep export` and `sitrep import` from a shell: exit codes, output, an untouched database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sitrep_desktop.cli.main import run_cli
from sitrep_desktop.services.demo import write_demo
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash


def file_digest(path: Path) -> str:
    """Bytes of the database and any WAL beside it."""
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


@pytest.fixture()
def demo_db(demo_path: Path) -> Path:
    return demo_path


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("geojson", "out.geojson"),
        ("kml", "out.kml"),
        ("csv", "out.csv"),
        ("gpkg", "out.gpkg"),
        ("cot", "out.cot"),
        ("datapackage", "out.zip"),
    ],
)
def test_export_then_import_into_a_fresh_database(
    demo_db: Path, tmp_path: Path, fmt: str, name: str, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / name
    assert run_cli(["export", str(demo_db), str(out), "--format", fmt, "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["counts"]["event"] == 10
    out = Path(exported["path"])  # ATAK reads one event per .cot: several go as a .zip
    fresh = tmp_path / "fresh.db"
    Store.open(fresh).close()
    assert run_cli(["import", str(fresh), str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["format"] == ("datapackage" if fmt == "cot" else fmt)
    assert result["added"]["event"] == 10
    assert run_cli(["import", str(fresh), str(out), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert sum(again["added"].values()) == 0
    assert again["already_present"]["event"] == 10


def test_export_of_the_situation_at_a_time(demo_db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "early.geojson"
    assert run_cli(["export", str(demo_db), str(out), "--at", "2024-11-30"]) == 0
    assert "Exported" in capsys.readouterr().out
    kinds = [f["properties"]["record"] for f in json.loads(out.read_text())["features"]]
    assert kinds.count("event") == 2
    assert kinds.count("control_change") == 12


def test_dry_run_counts_and_writes_nothing(demo_db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "log.csv"
    source.write_text("at,title,geometry\n2024-12-07,Convoy,POINT (36.7 34.9)\n", encoding="utf-8")
    before = file_digest(demo_db)
    assert run_cli(["import", str(demo_db), str(source), "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("Would add 1 event from")
    assert file_digest(demo_db) == before
    assert run_cli(["import", str(demo_db), str(source)]) == 0
    with Store.open(demo_db) as store:
        assert store.events.count() == 11


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.csv", "at,title\n2024-12-07,Fine\n2024-12-99,Bad day\n", "line 3, field 'at'"),
        (
            "bad.geojson",
            '{"type": "FeatureCollection", "features": [{"type": "Feature", '
            '"geometry": null, "properties": {"record": "faction", "id": "not-a-uuid", '
            '"name": "X", "short_name": "X", "colour": "#000000"}}]}',
            "feature 1, field 'id'",
        ),
        ("bad.kml", "<kml><Document><Placemark>", "line 1, column 27, field 'xml'"),
        (
            "evil.kml",
            '<?xml version="1.0"?><!DOCTYPE k [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<kml>&e;</kml>",
            "unsafe XML",
        ),
        (
            "bad.cot",
            '<event uid="u" time="2024-12-06T00:00:00Z"><point lat="91" lon="1"/></event>',
            "event 1, field 'geometry'",
        ),
        (
            "acled.csv",
            "event_date,event_type,sub_event_type,actor1,location,latitude,longitude\n"
            "2024-12-06,Battles,Armed clash,HTS,Hama,35.1,north\n",
            "line 2, field 'longitude'",
        ),
        ("bad.gpkg", "not a geopackage", "field 'gpkg'"),
        ("bad.zip", "PK not a zip", "field 'zip'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_leaves_the_database_unchanged(
    demo_db: Path, tmp_path: Path, name: str, content: str, expected: str, capsys
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    before = file_digest(demo_db)
    assert run_cli(["import", str(demo_db), str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(source) in err and expected in err
    assert file_digest(demo_db) == before


def test_a_reference_problem_found_against_the_database_also_changes_nothing(
    demo_db: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "refs.csv"
    source.write_text(
        "at,title,place_id\n2024-12-07,Somewhere,0d6c2f55-7a0e-4b8a-9d1e-3f1b5c7e9a21\n",
        encoding="utf-8",
    )
    before = file_digest(demo_db)
    assert run_cli(["import", str(demo_db), str(source), "--json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["problems"][0]["field"] == "place_id"
    assert "line 2, field 'place_id'" in err
    assert file_digest(demo_db) == before


def test_import_into_a_missing_database_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "log.csv"
    source.write_text("at,title\n2024-12-07,Convoy\n", encoding="utf-8")
    assert run_cli(["import", str(tmp_path / "none.db"), str(source)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_export_leaves_no_partial_file_and_database_hash_is_printed(
    demo_db: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.kml"
    assert run_cli(["export", str(demo_db), str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    with Store.open(demo_db) as store:
        assert result["content_hash"] == content_hash(store)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_unknown_export_extension_asks_for_a_format(
    demo_db: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(["export", str(demo_db), str(tmp_path / "out.txt")]) == 2
    assert "--format" in capsys.readouterr().err


def test_an_export_since_a_date_keeps_who_held_each_place_then(tmp_path):
    """Hama changed hands on 2024-12-05; exporting from 2024-12-06 still carries
    the change that says HTS holds it, and nothing older for Hama."""
    from sitrep_desktop.domain.control import resolve_control
    from sitrep_desktop.services.demo import demo_id
    from sitrep_desktop.services.exchange import gather
    from sitrep_desktop.store import Store

    with Store.open(write_demo(tmp_path / "demo.db")) as store:
        batch = gather(store, since="2024-12-06")
        full = resolve_control(store.control.all(), None)
    changes = batch.control
    hama = [c for c in changes if c.place_id == demo_id("place", "Hama")]
    assert [(c.faction_id, c.at.text) for c in hama] == [(demo_id("faction", "HTS"), "2024-12-05")]
    # The state the export describes is the state the database holds.
    exported = resolve_control(changes, None)
    assert {p: s.faction_id for p, s in exported.items()} == {
        p: s.faction_id for p, s in full.items()
    }


MIXED_CSV = (
    "at,title,geometry\n"
    "2024-12-07,Convoy on the M5,POINT (36.7 34.9)\n"
    "2024-12-99,Bad day,POINT (36.7 34.9)\n"
    "2024-12-08,Checkpoint,POINT (36.72 34.8)\n"
)


def test_a_file_with_a_bad_row_exits_2_and_names_it_unless_skip_bad(
    demo_db: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "mixed.csv"
    source.write_text(MIXED_CSV, encoding="utf-8")
    before = file_digest(demo_db)
    assert run_cli(["import", str(demo_db), str(source), "--dry-run"]) == 2
    out, err = capsys.readouterr()
    assert "line 3, field 'at'" in out  # the dry run lists what it would leave out
    assert err.count("\n") == 1 and "--skip-bad" in err and "the other 2 can" in err
    assert file_digest(demo_db) == before

    assert run_cli(["import", str(demo_db), str(source), "--dry-run", "--skip-bad"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Would add 2 events from") and "Left out: 1" in out
    assert file_digest(demo_db) == before

    assert run_cli(["import", str(demo_db), str(source), "--skip-bad", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["added"]["event"] == 2
    assert result["skipped"][0]["where"] == "line 3" and result["repaired"] == []
    assert set(result) >= {"added", "updated", "already_present", "repaired", "skipped"}
    with Store.open(demo_db) as store:
        assert store.events.count() == 12


def test_nothing_importable_exits_2_even_with_skip_bad(
    demo_db: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "bad.csv"
    source.write_text("at,title\n2024-12-99,Bad day\n", encoding="utf-8")
    assert run_cli(["import", str(demo_db), str(source), "--skip-bad", "--json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["ok"] is False
    assert "nothing in the file can be imported" in err


def test_the_format_choices_come_from_the_format_table(capsys) -> None:  # type: ignore[no-untyped-def]
    from sitrep_desktop.io import formats

    with pytest.raises(SystemExit) as caught:
        run_cli(["import", "x.db", "x.csv", "--format", "nonsense"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    for name in formats.readable():
        assert name in err


def test_a_csv_export_claims_only_events(demo_db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(["export", str(demo_db), str(tmp_path / "out.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Exported 10 events to") and "faction" not in out
