"""A data package we wrote merges exactly as the database it came from: the same
scenario merged from bob.db and from bob.zip gives the same picture and the same
conflicts (the package carries versions, histories and tombstones of its own)."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile

import pytest

from sitrep_desktop.domain import Event, Place
from sitrep_desktop.services.exchange import export_file
from sitrep_desktop.services.merge import merge_path
from sitrep_desktop.services.merge_package import VERSIONS_ENTRY, read_versions
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash

HOMS = "3b241101-e2bb-4255-8caf-4136c566a962"
IDS = {name: f"00000000-0000-4000-8000-00000000000{n}" for n, name in enumerate("ABCD", 1)}


def _edit(store, record_id, **changes):
    store.events.update(dataclasses.replace(store.events.get(record_id), **changes))


@pytest.fixture()
def scenario(tmp_path):
    """Ana and Bob from one file; each works apart; Bob writes a package too."""
    ana_path, bob_path = tmp_path / "ana.db", tmp_path / "bob.db"
    with Store.open(ana_path, author="ana") as store:
        store.categories.ensure_defaults()
        store.places.add(Place(id=HOMS, name="Homs", lat=34.73, lon=36.71, kind="city"))
        for name, rid in IDS.items():
            store.events.add(Event(id=rid, at="2024-12-05", title=f"Event {name}", place_id=HOMS))
    shutil.copy(ana_path, bob_path)
    with Store.open(bob_path, author="bob") as bob:
        for n in range(40):  # a long run of edits: the package must carry them all
            _edit(bob, IDS["A"], title=f"Event A, update {n}")
        bob.events.delete(IDS["B"])
        _edit(bob, IDS["C"], title="Event C as Bob saw it")
        bob.places.update(dataclasses.replace(bob.places.get(HOMS), notes="contested"))
        bob.events.add(Event(at="2024-12-06", title="Talbiseh taken", place_id=HOMS))
        package = export_file(bob, tmp_path / "bob.zip", "datapackage").path
    with Store.open(ana_path, author="ana") as ana:
        _edit(ana, IDS["C"], title="Event C as Ana saw it")
        _edit(ana, IDS["D"], title="Event D, checked")
    for copy in ("by_db.db", "by_package.db"):
        shutil.copy(ana_path, tmp_path / copy)
    return tmp_path, bob_path, package


def _conflicts(report):
    return sorted(
        (c.record_id, c.kind, tuple((f.field, f.ours, f.theirs) for f in c.fields))
        for c in report.conflicts
    )


def test_a_package_of_ours_merges_as_its_database(scenario):
    folder, bob_path, package = scenario
    with Store.open(folder / "by_db.db") as by_db, Store.open(folder / "by_package.db") as by_zip:
        from_db, from_zip = merge_path(by_db, bob_path), merge_path(by_zip, package)
        assert _conflicts(from_zip) == _conflicts(from_db)
        assert [c.record_id for c in from_db.conflicts] == [IDS["C"]]
        for what in ("added", "updated", "deleted", "kept", "restored"):
            assert sorted(getattr(from_zip, what)) == sorted(getattr(from_db, what)), what
        assert content_hash(by_zip) == content_hash(by_db)
        assert by_zip.events.get(IDS["A"]).title == "Event A, update 39"  # taken, no conflict
        assert by_zip.events.find(IDS["B"]) is None  # the delete travelled
        assert by_zip.events.get(IDS["D"]).title == "Event D, checked"  # ours stays
        assert not merge_path(by_zip, package).changes_anything, "the same package again"


def test_the_package_holds_versions_atak_does_not_list(scenario):
    _folder, _bob, package = scenario
    with zipfile.ZipFile(package) as archive:
        assert VERSIONS_ENTRY in archive.namelist()
        manifest = archive.read("MANIFEST/manifest.xml").decode()
    assert VERSIONS_ENTRY not in manifest
    versions = read_versions(package)
    assert versions is not None and versions.records[IDS["B"]].deleted
    assert len(versions.records[IDS["A"]].history) > 40


def test_a_damaged_versions_file_falls_back_to_stamps(scenario, tmp_path):
    _folder, _bob, package = scenario
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(
                info, b'{"format": 1, "records": [' if info.filename == VERSIONS_ENTRY else data
            )
    assert read_versions(damaged) is None
