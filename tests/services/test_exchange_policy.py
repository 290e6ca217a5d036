"""The import policy: one odd feature never refuses a whole file, nothing is "ok"
when it was not, and every repair or refusal is named in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep_desktop.io.records import ImportFileError
from sitrep_desktop.services.exchange import (
    ImportRefused,
    export_file,
    import_file,
)
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash

HAMA = [36.75783, 35.13179]
# A bow tie: the ring crosses itself at (36.5, 35.5), as Natural Earth's Antarctica does.
BOW_TIE = [[[36.0, 35.0], [37.0, 36.0], [37.0, 35.0], [36.0, 36.0], [36.0, 35.0]]]


def feature(geometry_type: str, coordinates, **properties) -> dict:  # type: ignore[no-untyped-def]
    return {
        "type": "Feature",
        "geometry": {"type": geometry_type, "coordinates": coordinates},
        "properties": properties,
    }


def write_features(path: Path, *features: dict) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


@pytest.fixture()
def colleague_file(tmp_path: Path) -> Path:
    """What a colleague's GIS sends: a named point, an unnamed one, a bow tie, a bad point."""
    return write_features(
        tmp_path / "colleague.geojson",
        feature("Point", HAMA, name="Hama checkpoint"),
        feature("Point", [36.8, 35.2]),
        feature("Polygon", BOW_TIE, name="Contested fields"),
        feature("Point", [36.7, 95.0], name="Too far north"),
    )


def test_a_file_with_one_bad_feature_is_refused_whole_without_skip_bad(colleague_file) -> None:  # type: ignore[no-untyped-def]
    store = Store.memory()
    before = content_hash(store)
    with pytest.raises(ImportRefused) as caught:
        import_file(store, colleague_file)
    message = str(caught.value)
    assert "feature 4, field 'lat'" in message and '"Too far north"' in message
    assert "1 entry cannot be imported, the other 3 can" in message
    assert "\n" not in message
    assert content_hash(store) == before
    summary = caught.value.result.summary(ok=False)
    assert summary["new"]["place"] == 2 and summary["new"]["annotation"] == 1
    assert [s["where"] for s in summary["skipped"]] == ["feature 4"]


def test_skip_bad_imports_the_rest_with_repairs_counted(colleague_file) -> None:  # type: ignore[no-untyped-def]
    store = Store.memory()
    result = import_file(store, colleague_file, skip_bad=True)
    assert result.added["place"] == 2 and result.added["annotation"] == 1
    assert sorted(p.name for p in store.places.all()) == ["Hama checkpoint", "Unnamed point 2"]
    [area] = store.annotations.all()
    assert area.label == "Contested fields"
    assert area.geometry.startswith("MULTIPOLYGON")  # the bow tie's two triangles
    repaired = {(r["where"], r["field"]) for r in result.summary()["repaired"]}
    assert repaired == {("feature 2", "name"), ("feature 3", "geometry")}
    skipped = result.summary()["skipped"]
    assert skipped[0]["reason"].startswith("latitude must be within [-90, 90]")


def test_the_import_is_one_undo_step(colleague_file, demo_memory_store) -> None:  # type: ignore[no-untyped-def]
    from sitrep_desktop.commands.imports import ImportRecords
    from sitrep_desktop.services.exchange import plan_batch, read_import

    store = demo_memory_store
    before, places = content_hash(store), store.places.count()
    _fmt, batch = read_import(colleague_file)
    command = ImportRecords(plan_batch(store, batch, colleague_file), str(colleague_file))
    command.do(store)
    assert store.places.count() == places + 2
    command.undo(store)
    assert content_hash(store) == before


def test_a_dry_run_with_skip_bad_counts_and_writes_nothing(colleague_file) -> None:  # type: ignore[no-untyped-def]
    store = Store.memory()
    result = import_file(store, colleague_file, dry_run=True, skip_bad=True)
    assert result.plan.new.counts()["place"] == 2
    assert sum(result.added.values()) == 0
    assert store.places.count() == 0


def test_nothing_importable_is_refused_even_with_skip_bad(tmp_path: Path) -> None:
    path = write_features(
        tmp_path / "bad.geojson",
        feature("Point", [36.7, 95.0], name="North of the pole"),
        feature("Point", [500.0, 35.0], name="East of everything"),
    )
    with pytest.raises(ImportRefused, match="nothing in the file can be imported"):
        import_file(Store.memory(), path, skip_bad=True)


def test_a_file_read_as_empty_is_never_ok(tmp_path: Path) -> None:
    path = write_features(tmp_path / "empty.geojson")
    with pytest.raises(ImportFileError, match="no records found"):
        import_file(Store.memory(), path)


def test_a_10_kb_polygon_is_never_dumped_into_an_error(tmp_path: Path) -> None:
    """A polygon in a projected CRS's metres: the error names the feature and why, briefly."""
    ring = [[480_701.0 + i, 200_000.0 + (i % 7)] for i in range(600)] + [[480_701.0, 200_000.0]]
    path = write_features(
        tmp_path / "metres.geojson",
        feature("Point", HAMA, name="Hama"),
        feature("Polygon", [ring], name="Field in metres"),
    )
    with pytest.raises(ImportRefused) as caught:
        import_file(Store.memory(), path)
    message = str(caught.value)
    assert len(message) < 400, message
    assert "POLYGON" not in message and "480702" not in message
    assert "feature 2" in message and '"Field in metres"' in message


def test_a_bad_reference_is_left_out_with_its_why(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "at,title,place_id\n"
        "2024-12-07,Convoy,\n"
        "2024-12-07,Somewhere,0d6c2f55-7a0e-4b8a-9d1e-3f1b5c7e9a21\n",
        encoding="utf-8",
    )
    store = Store.memory()
    store.categories.ensure_defaults()
    result = import_file(store, path, skip_bad=True)
    assert [e.title for e in store.events.all()] == ["Convoy"]
    [skipped] = result.plan.skipped
    assert (skipped.where, skipped.field) == ("line 3", "place_id")
    assert skipped.feature.startswith('"Somewhere", id ')


@pytest.mark.parametrize(
    ("name", "carried"),
    [
        ("out.csv", {"event"}),
        ("out.cot", {"place", "event", "annotation"}),
        ("out.geojson", {"faction", "place", "control_change", "event", "annotation"}),
    ],
)
def test_an_export_counts_only_what_its_format_carries(
    tmp_path: Path, name: str, carried: set[str], demo_memory_store
) -> None:
    store = demo_memory_store
    result = export_file(store, tmp_path / name)
    assert set(result.counts) == carried
    assert result.counts["event"] == 10


def test_a_tak_package_manifest_carries_the_real_name(tmp_path: Path, demo_memory_store) -> None:
    """It was named after the temporary file (".out.zip.partial")."""
    import zipfile

    store = demo_memory_store
    export_file(store, tmp_path / "homs_front.zip")
    with zipfile.ZipFile(tmp_path / "homs_front.zip") as archive:
        manifest = archive.read("MANIFEST/manifest.xml").decode()
    assert 'name="name" value="homs_front"' in manifest
    assert [p.name for p in tmp_path.iterdir()] == ["homs_front.zip"]  # nothing left over


def test_a_row_left_out_takes_its_place_with_it(tmp_path: Path) -> None:
    """A CSV row names a new place and has a bad date: neither is imported."""
    path = tmp_path / "log.csv"
    path.write_text(
        "at,title,place,place_lat,place_lon\n"
        "2024-12-07,Convoy,Rastan,34.93,36.73\n"
        "2024-12-99,Bad day,Talbiseh village,34.84,36.73\n",
        encoding="utf-8",
    )
    store = Store.memory()
    store.categories.ensure_defaults()
    result = import_file(store, path, skip_bad=True)
    assert [p.name for p in store.places.all()] == ["Rastan"]
    assert [s.where for s in result.plan.skipped] == ["line 3"]


def test_the_exchange_service_imports_without_qt() -> None:
    """The CLI runs it on a server without a display."""
    import subprocess
    import sys

    script = (
        "import sys, sitrep_desktop.services.exchange, sitrep_desktop.services.demo\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')))"
    )
    source = Path(__file__).resolve().parents[2] / "src"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(source), "PATH": ""},
        check=True,
    )
    assert result.stdout.strip() == "[]"
