"""Issue 14's checklist, run as its reporter ran it: real files from Google Earth
and ATAK through `sitrep import`, with the exit code, the JSON summary and what
the database holds afterwards; and issue 16's exports (CSV cells a spreadsheet
would run, characters XML cannot hold) through `sitrep export`.

What we write from all of them, read again: test_real_tools_written_back.py.
The files and their sources: tests/data/third_party/README.md.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sitrep_desktop.cli.main import run_cli
from sitrep_desktop.domain import Event
from sitrep_desktop.geo.geodesy import inverse
from sitrep_desktop.io import cot, pipeline
from sitrep_desktop.services.exchange import import_file, read_import
from sitrep_desktop.store import Store
from sitrep_desktop.store.attachments import Attachments

DATA = Path(__file__).parents[1] / "data" / "third_party"
GOOGLE = DATA / "google_kml_samples"
NODE_COT = DATA / "node_cot"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli_json(capsys, *args: str) -> tuple[int, dict, str]:  # type: ignore[no-untyped-def]
    code = run_cli([*args, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def total(counts: dict[str, int]) -> int:
    return sum(counts.values())


# -- Google Earth --------------------------------------------------------------
def test_a_google_earth_kmz_of_gps_samples_gives_361_events_with_their_times():
    batch = pipeline.read_file(GOOGLE / "time-stamp-point.kmz")
    assert len(batch.events) == 361 and not batch.places and not batch.skipped
    first, *_, last = batch.events
    assert first.geometry == "POINT (-122.536226 37.86047)"
    assert (first.at.text, last.at.text) == ("2007-01-14T21:05:02Z", "2007-01-14T22:36:20Z")
    # Unnamed samples are named, and each naming is counted as a repair.
    assert first.title == "Unnamed point 1" and len(batch.repaired) == 361


def test_a_google_earth_kmz_placemark_is_my_office():
    (office,) = pipeline.read_file(GOOGLE / "placemark.kmz").places
    assert (office.name, office.lon, office.lat) == ("My office", -122.087461, 37.422069)
    assert office.notes == "This is the location of my office."


def test_gdals_gx_track_without_times_is_a_line_keeping_its_heights():
    batch = pipeline.read_file(DATA / "gdal_autotest" / "gx_track_without_when.kml")
    (track,) = batch.annotations
    assert batch.events == [] and track.kind == "line" and track.label == "Unnamed line 1"
    assert track.geometry.startswith("LINESTRING (-122.207881 37.371915, -122.205712")
    assert track.geometry.count(",") == 6 and "track_times" not in track.attributes
    assert track.attributes["z"][0] == 156.0 and len(track.attributes["z"]) == 7


def test_a_gx_multitrack_is_one_line_of_its_tracks_with_every_time(tmp_path):
    path = tmp_path / "patrol.kml"
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
        "<Placemark><name>Patrol</name><gx:MultiTrack><gx:interpolate>1</gx:interpolate>"
        "<gx:Track><when>2014-01-06T19:38:55Z</when><when>2014-01-06T19:39:55Z</when>"
        "<gx:coord>8.1 46.1 1909.9</gx:coord><gx:coord>8.2 46.2 1910</gx:coord></gx:Track>"
        "<gx:Track><when>2014-01-06T20:00:00Z</when><when>2014-01-06T20:05:00Z</when>"
        "<gx:coord>8.3 46.3 1900</gx:coord><gx:coord>8.4 46.4 1901</gx:coord></gx:Track>"
        "</gx:MultiTrack></Placemark></kml>"
    )
    (patrol,) = pipeline.read_file(path).events
    assert patrol.geometry == "MULTILINESTRING ((8.1 46.1, 8.2 46.2), (8.3 46.3, 8.4 46.4))"
    assert patrol.at.text == "2014-01-06T19:38:55Z"
    assert patrol.attributes["track_times"][-1] == "2014-01-06T20:05:00Z"
    assert patrol.attributes["z"] == [1909.9, 1910.0, 1900.0, 1901.0]


def test_googles_kml_samples_through_the_cli_exit_codes_and_json_summary(demo_path, capsys):
    sample = str(GOOGLE / "KML_Samples.kml")
    before = digest(demo_path)
    # One placemark has no geometry: listed by the dry run, refused without --skip-bad.
    code, dry, err = cli_json(capsys, "import", str(demo_path), sample, "--dry-run")
    assert code == 2 and dry["ok"] is False and total(dry["new"]) == 19
    assert [p["reason"] for p in dry["skipped"]] == ["the placemark has no geometry"]
    assert err.count("\n") == 1 and "placemark 5" in err and "--skip-bad" in err
    assert run_cli(["import", str(demo_path), sample]) == 2
    capsys.readouterr()
    assert digest(demo_path) == before

    code, done, _ = cli_json(capsys, "import", str(demo_path), sample, "--skip-bad")
    assert code == 0 and done["ok"] is True
    assert {"added", "updated", "already_present", "repaired", "skipped"} <= set(done)
    assert total(done["added"]) == 19 and total(done["updated"]) == 0
    assert done["skipped"] == [
        {
            "where": "placemark 5",
            "field": "geometry",
            "reason": "the placemark has no geometry",
            "feature": '"Descriptive HTML"',
        }
    ]
    code, again, _ = cli_json(capsys, "import", str(demo_path), sample, "--skip-bad")
    assert code == 0 and total(again["added"]) == 0 and total(again["already_present"]) == 19


def test_a_feature_without_geometry_is_named_in_its_problem(tmp_path):
    """Finding 8: the problem names the feature; "feature 1" alone was all it said."""
    path = tmp_path / "world.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"NAME": "Antarctica", "ID": 7}, "geometry": null},'
        '{"type": "Feature", "properties": {"name": "Homs"},'
        ' "geometry": {"type": "Point", "coordinates": [36.7, 34.7]}}]}'
    )
    _fmt, batch = read_import(path)
    (problem,) = batch.skipped
    assert str(problem) == (
        "feature 1, field 'geometry': the feature has no geometry (\"Antarctica\", id 7)"
    )
    assert [p.name for p in batch.places] == ["Homs"]


def test_unnamed_points_of_a_geopackage_are_named_and_counted_not_refused():
    """It was refused whole: "name: is required"."""
    batch = pipeline.read_file(DATA / "pyogrio" / "test_gpkg_nulls.gpkg")
    assert [p.name for p in batch.places] == [f"Unnamed point {n}" for n in (1, 2, 3, 4)]
    assert [(p.where, p.field) for p in batch.repaired] == [
        (f"feature {n}", "name") for n in (1, 2, 3, 4)
    ]


# -- ATAK and WinTAK -------------------------------------------------------------
def test_an_atak_quickpic_package_keeps_its_photo_with_the_marker(demo_path, capsys):
    package = str(NODE_COT / "QuickPic.zip")
    code, result, _ = cli_json(capsys, "import", str(demo_path), package)
    assert code == 0 and result["added"]["event"] == 1 and result["added"]["attachment"] == 1
    with Store.open(demo_path) as store:
        (event,) = [e for e in store.events.all() if e.source.startswith("CoT 3b758d3c")]
        assert event.title == "DFPC Ingalls.2.144535"
        assert event.geometry == "POINT (-108.538469 39.07726)"
        assert event.at.key == "2024-07-03T02:27:03.383000Z"
        (photo,) = Attachments(store).for_record(event.id)
    assert (photo.name, photo.media_type) == ("20240702_144514.jpg", "image/jpeg")
    assert photo.data.startswith(b"\xff\xd8\xff")  # the JPEG itself, not its name
    code, again, _ = cli_json(capsys, "import", str(demo_path), package)
    assert code == 0 and again["added"]["event"] == again["added"]["attachment"] == 0


def test_the_quickpic_photo_shows_in_the_windows_detail_pane(window):
    from sitrep_desktop.commands.imports import ImportRecords
    from sitrep_desktop.services.exchange import plan_file

    package = NODE_COT / "QuickPic.zip"
    _fmt, plan = plan_file(window.store, package)
    window.undo_stack.attempt(ImportRecords(plan, str(package)))
    (event,) = plan.new.events
    window.selection.select("event", event.id)
    assert "20240702_144514.jpg (image/jpeg, 6 kB)" in window.detail.text
    window.undo_stack.undo()
    assert Attachments(window.store).for_record(event.id) == []


def test_an_atak_package_of_only_a_favourites_file_is_refused_naming_the_file(demo_path, capsys):
    """It used to say "no records found" and nothing about what the package held."""
    before = digest(demo_path)
    assert run_cli(["import", str(demo_path), str(NODE_COT / "GrandJunctionAOI.zip")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fav_e713d.txt" in err and "tied to no marker" in err
    assert digest(demo_path) == before


def test_an_atak_5_4_route_is_a_line_through_its_ten_points_not_a_marker_at_0_0():
    batch = cot.read(NODE_COT / "route-atak-5.4.cot")
    assert batch.events == [] and batch.skipped == []
    (route,) = batch.annotations
    assert route.label == "Route 1" and route.kind == "line"
    assert route.geometry.startswith("LINESTRING (-108.6214369 39.739824, ")
    assert route.geometry.count(",") == 9  # ten points, the altitudes dropped
    assert route.attributes["waypoints"] == ["Route 1 SP", "CP1", "CP2", "TGT"]


def test_an_atak_range_and_bearing_line_ends_where_atak_puts_it():
    (line,) = cot.read(NODE_COT / "range-and-bearing-atak.cot").annotations
    assert line.kind == "arrow" and line.label == "R&B 1: 14.81 km at 102° ESE"
    start, end = line.geometry.removeprefix("LINESTRING (").rstrip(")").split(", ")
    (lon1, lat1), (lon2, lat2) = (map(float, p.split()) for p in (start, end))
    assert (lon1, lat1) == (-108.7395013, 39.0981196)
    leg = inverse(lat1, lon1, lat2, lon2)
    assert leg.distance_m == pytest.approx(14806.869682096987, abs=0.5)
    assert leg.initial_bearing == pytest.approx(102.28151464168589, abs=0.01)
    # node-CoT's own reading of this line (on a sphere) ends within 50 m of ours.
    assert inverse(lat2, lon2, 39.06967421349145, -108.5719110069878).distance_m < 50


def test_an_atak_range_circle_is_a_circle_of_its_185_km_radius():
    (circle,) = cot.read(NODE_COT / "range-circle-atak.cot").annotations
    assert circle.kind == "circle" and circle.label == "R&B Circle 1 (185.75 km)"
    assert circle.attributes["radius_m"] == 185753.64687066682
    ring = circle.geometry.removeprefix("POLYGON ((").rstrip(")").split(", ")
    for vertex in ring:
        lon, lat = map(float, vertex.split())
        leg = inverse(41.8988499, -113.9094586, lat, lon)
        assert leg.distance_m == pytest.approx(185753.6, abs=5)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("chat-receipt-delivered-atak.cot", "a GeoChat delivered receipt (b-t-f-d)"),
        ("chat-receipt-read-wintak.cot", "a GeoChat read receipt (b-t-f-r)"),
    ],
)
def test_a_geochat_receipt_is_listed_not_made_an_event(demo_path, capsys, name, why):
    """Each became an event titled "b-t-f-d" or "b-t-f-r" at the reader's position."""
    _fmt, batch = read_import(NODE_COT / name)
    assert batch.events == [] and batch.messages == []
    (skipped,) = batch.skipped
    assert skipped.reason == f"{why}, not a message"
    before = digest(demo_path)
    assert run_cli(["import", str(demo_path), str(NODE_COT / name), "--skip-bad"]) == 2
    assert "nothing in the file can be imported" in capsys.readouterr().err
    assert digest(demo_path) == before


def test_chat_with_its_receipts_in_a_package_gives_the_message_and_lists_the_receipts(
    demo_path, capsys
):
    package = demo_path.with_name("chat.zip")
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(DATA / "taky" / "geochat.cot", "chat/geochat.cot")
        for name in ("chat-receipt-delivered-atak.cot", "chat-receipt-read-wintak.cot"):
            archive.write(NODE_COT / name, f"chat/{name}")
    code, result, _ = cli_json(capsys, "import", str(demo_path), str(package), "--skip-bad")
    # It was refused: "nothing in the file can be imported", the message not counted.
    assert code == 0 and result["added"]["message"] == 1 and result["added"]["event"] == 0
    assert [p["field"] for p in result["skipped"]] == ["type", "type"]


def test_a_stray_file_in_a_package_is_listed_and_our_own_versions_entry_is_not(
    demo_memory_store, tmp_path
):
    from sitrep_desktop.services.exchange import export_file

    ours = export_file(demo_memory_store, tmp_path / "ours.zip").path
    assert "sitrep/versions.json" in zipfile.ZipFile(ours).namelist()
    assert cot.read_datapackage(ours).skipped == []  # what we wrote comes back whole
    with zipfile.ZipFile(ours, "a") as archive:
        archive.writestr("overlays/front.kml", b"<kml/>")
        archive.writestr("docs/orders.pdf", b"%PDF-1.4")
    batch = cot.read_datapackage(ours)
    why = "tied to no marker in the package: not imported"
    assert [(p.where, p.reason) for p in batch.skipped] == [
        ("entry overlays/front.kml", why),
        ("entry docs/orders.pdf", why),
    ]


def test_a_package_with_a_map_source_beside_its_marker_imports_the_marker(demo_path, capsys):
    """ATAK packages carry other XML (map sources, iconset.xml); one refused the
    whole package: "the root is not a CoT <event>", naming no entry."""
    package = demo_path.with_name("with-map.zip")
    with zipfile.ZipFile(NODE_COT / "QuickPic.zip") as quickpic:
        with zipfile.ZipFile(package, "w") as archive:
            for info in quickpic.infolist():
                archive.writestr(info, quickpic.read(info))
            archive.writestr(
                "maps/Google_Hybrid.xml",
                "<?xml version='1.0' encoding='UTF-8'?><customMapSource><name>Hybrid</name>"
                "<minZoom>0</minZoom><maxZoom>20</maxZoom><tileType>jpg</tileType>"
                "<url>https://tiles.example/{$z}/{$x}/{$y}.jpg</url></customMapSource>",
            )
    code, result, _ = cli_json(capsys, "import", str(demo_path), str(package), "--skip-bad")
    assert code == 0 and result["added"]["event"] == result["added"]["attachment"] == 1
    assert [(p["where"], p["reason"]) for p in result["skipped"]] == [
        ("entry maps/Google_Hybrid.xml", "<customMapSource> is not a CoT event: not imported")
    ]


def test_a_refused_entry_does_not_take_the_other_markers_photo_with_it(tmp_path):
    """With one entry refused (here a chat receipt), QuickPic's photo was dropped unsaid."""
    package = tmp_path / "photo-and-receipt.zip"
    with zipfile.ZipFile(NODE_COT / "QuickPic.zip") as quickpic:
        with zipfile.ZipFile(package, "w") as archive:
            for info in quickpic.infolist():
                archive.writestr(info, quickpic.read(info))
            archive.write(NODE_COT / "chat-receipt-read-wintak.cot", "chat/receipt.cot")
    store = Store.memory()
    result = import_file(store, package, skip_bad=True)
    assert result.added["event"] == 1 and result.added["attachment"] == 1
    (event,) = store.events.all()
    assert [a.name for a in Attachments(store).for_record(event.id)] == ["20240702_144514.jpg"]


# -- ACLED, the way users import it (streamed, from the CLI) -------------------
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,"
    "country,location,latitude,longitude,source,notes,fatalities,timestamp\n"
)
STRIKE = (
    "SYR2,2024-12-06,2024,1,Explosions/Remote violence,Air/drone strike,Russian forces,NA,"
    "Syria,Talbiseh,34.8407,36.7309,SANA,{notes},{dead},{stamp}\n"
)
PROTEST = (
    "SYR4,2024-12-07,2024,2,Protests,Peaceful protest,Protesters (Syria),NA,Syria,Idlib,"
    "35.93,36.63,Local media,,0,1733500000\n"
)


def test_a_revised_acled_export_updates_and_its_deleted_file_removes_through_the_cli(
    demo_path, tmp_path, capsys
):
    week1 = tmp_path / "acled-week1.csv"
    week1.write_text(
        ACLED_HEADER + STRIKE.format(notes="Strike.", dead=3, stamp=1733500000) + PROTEST
    )
    week2 = tmp_path / "acled-week2.csv"
    week2.write_text(
        ACLED_HEADER
        + STRIKE.format(notes="Strike on the market; corrected.", dead=5, stamp=1733600000)
        + PROTEST
    )
    deleted = tmp_path / "acled-deleted.csv"
    deleted.write_text("event_id_cnty,deleted_timestamp\nSYR4,1733600000\n")

    code, first, _ = cli_json(capsys, "import", str(demo_path), str(week1))
    assert code == 0 and first["added"]["event"] == 2
    code, second, _ = cli_json(capsys, "import", str(demo_path), str(week2))
    assert code == 0 and second["updated"]["event"] == 1
    assert second["added"]["event"] == 0 and second["already_present"]["event"] == 1
    with Store.open(demo_path) as store:
        strike = next(e for e in store.events.all() if e.attributes.get("event_id_cnty") == "SYR2")
        assert strike.description.startswith("Strike on the market; corrected.")
        assert strike.attributes["fatalities"] == 5 and strike.actors == ("Russian forces",)
    code, third, _ = cli_json(capsys, "import", str(demo_path), str(deleted))
    assert code == 0 and third["deleted"] == {"event": 1}
    with Store.open(demo_path) as store:
        ids = {e.attributes.get("event_id_cnty") for e in store.events.all()}
        assert "SYR4" not in ids and "SYR2" in ids


def test_acled_revision_and_deletion_are_each_one_undo_step(tmp_path):
    week1 = tmp_path / "week1.csv"
    week1.write_text(
        ACLED_HEADER + STRIKE.format(notes="Strike.", dead=3, stamp=1733500000) + PROTEST
    )
    week2 = tmp_path / "week2.csv"
    week2.write_text(ACLED_HEADER + STRIKE.format(notes="Corrected.", dead=5, stamp=1733600000))
    deleted = tmp_path / "deleted.csv"
    deleted.write_text("event_id_cnty,deleted_timestamp\nSYR2,1733700000\n")
    store = Store.memory()
    import_file(store, week1)
    revision = import_file(store, week2).command
    (strike,) = [e for e in store.events.all() if e.title.startswith("Air/drone")]
    assert strike.description.startswith("Corrected.")
    removal = import_file(store, deleted).command
    assert store.events.count() == 1
    assert removal is not None and revision is not None
    removal.undo(store)
    assert store.events.get(strike.id).description.startswith("Corrected.")
    revision.undo(store)
    assert store.events.get(strike.id).description.startswith("Strike.")


def test_a_deleted_events_file_with_a_bad_row_still_deletes_with_skip_bad(demo_path, capsys):
    """Withdrawals were not counted as importable: refused, "nothing can be imported"."""
    week1 = demo_path.with_name("week1.csv")
    week1.write_text(
        ACLED_HEADER + STRIKE.format(notes="Strike.", dead=3, stamp=1733500000) + PROTEST
    )
    deleted = demo_path.with_name("deleted.csv")
    deleted.write_text("event_id_cnty,deleted_timestamp\nSYR4,1733600000\n,1733600000\n")
    assert run_cli(["import", str(demo_path), str(week1)]) == 0
    capsys.readouterr()
    code, result, _ = cli_json(capsys, "import", str(demo_path), str(deleted), "--skip-bad")
    assert code == 0 and result["deleted"] == {"event": 1}
    assert [(p["where"], p["field"]) for p in result["skipped"]] == [("line 3", "event_id_cnty")]


# -- issue 16: exports a spreadsheet or an XML reader can trust ------------------
def test_a_data_package_export_drops_what_xml_cannot_hold_and_says_so(demo_path, capsys):
    with Store.open(demo_path) as store:
        store.events.add(
            Event(
                at="2024-12-05T10:00Z",
                title="Strike\x00 on\x07 Homs\ufffe\uffff",
                description="x\x1by",
                geometry="POINT (36.7 34.7)",
                category="airstrike",
            )
        )
    out = demo_path.with_name("out.zip")
    code, result, _ = cli_json(capsys, "export", str(demo_path), str(out))
    assert code == 0 and result["format"] == "datapackage"
    # Five characters, each written twice: for TAK (callsign, remarks) and for us.
    assert any("dropped 10 character(s) XML cannot hold" in n for n in result["notes"])
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.endswith((".cot", ".xml")):
                ElementTree.fromstring(archive.read(name))  # each entry well-formed
    titles = [e.title for e in cot.read_datapackage(out).events]
    assert "Strike on Homs" in titles


def test_a_csv_export_from_the_cli_never_hands_a_spreadsheet_a_formula(demo_path, capsys):
    with Store.open(demo_path) as store:
        store.events.add(
            Event(
                at="2024-12-05",
                title='=HYPERLINK("http://example.com/x","Homs")',
                description="@SUM(1+1)*cmd|' /C calc'!A0",
                source="+1 more",
                category="airstrike",
            )
        )
    out = demo_path.with_name("out.csv")
    assert run_cli(["export", str(demo_path), str(out)]) == 0
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and "'@SUM(1+1)" in text and "'+1 more" in text
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), cell


def test_text_that_starts_with_a_quote_and_a_formula_character_comes_back_whole(tmp_path):
    """The reader takes the export's added quote away; it took the text's own too."""
    from sitrep_desktop.io import csv
    from sitrep_desktop.io.records import RecordBatch

    batch = RecordBatch()
    batch.add(Event(at="2024-12-05", title="'=not a formula", description="''+44 20 7946 0000"))
    path = tmp_path / "quoted.csv"
    csv.write(batch, path)
    (back,) = csv.read(path).events
    assert (back.title, back.description) == ("'=not a formula", "''+44 20 7946 0000")


def test_the_window_says_when_an_export_dropped_what_xml_cannot_hold(window, tmp_path):
    from sitrep_desktop.ui.exchange.dialogs import export_data

    window.store.events.add(
        Event(at="2024-12-05T10:00Z", title="Strike\x00 on Homs", category="airstrike")
    )
    out = export_data(window, tmp_path / "for-google-earth.kml")
    assert out is not None and ElementTree.parse(out) is not None
    said = window.statusBar().currentMessage()
    # One NUL, written twice: in the placemark's <name> and in its data for us.
    assert said.startswith("Exported ") and "dropped 2 character(s) XML cannot hold" in said
