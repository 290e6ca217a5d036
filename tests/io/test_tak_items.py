"""TAK, as ATAK writes it: ranging shapes become measurement drawings, routes
lines with their waypoints, GeoChat messages (not events)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from sitrep_desktop.cli.main import run_cli
from sitrep_desktop.geo.geodesy import inverse
from sitrep_desktop.io import cot
from sitrep_desktop.store import Store
from sitrep_desktop.store.messages import Messages

THIRD_PARTY = Path(__file__).parents[1] / "data" / "third_party"

# As ATAK 4.x writes a range-and-bearing line (detail as in its own export).
RANGE_AND_BEARING = b"""<?xml version='1.0' encoding='UTF-8' standalone='yes'?>
<event version="2.0" uid="b" type="u-rb-a" time="2024-12-05T10:00:00.000Z"
 start="2024-12-05T10:00:00.000Z" stale="2024-12-06T10:00:00.000Z" how="h-e">
<point lat="34.7308" lon="36.7094" hae="79" ce="9999999.0" le="9999999.0"/>
<detail><range value="45300.0"/><bearing value="4.0"/><rangeUnits value="1"/>
<bearingUnits value="0"/><northRef value="1"/><labels_on value="false"/>
<contact callsign="R&amp;B 1"/><strokeColor value="-65536"/><strokeWeight value="3.0"/>
</detail></event>"""

BULLSEYE = b"""<event version="2.0" uid="be-1" type="u-r-b-bullseye" how="h-e"
 time="2024-12-05T10:00:00Z" start="2024-12-05T10:00:00Z" stale="2024-12-06T10:00:00Z">
<point lat="35.1318" lon="36.7578" hae="0" ce="9999999" le="9999999"/>
<detail><bullseye distance="10000.0" bearingRef="M" rangeRingVisible="true"
 hasRangeRings="true" ringDist="2000.0" edgeToCenter="false" mils="false"/>
<contact callsign="Hama bullseye"/></detail></event>"""

RANGE_CIRCLE = b"""<event version="2.0" uid="rc-1" type="u-r-b-c-c" how="h-e"
 time="2024-12-05T10:00:00Z" start="2024-12-05T10:00:00Z" stale="2024-12-06T10:00:00Z">
<point lat="34.7308" lon="36.7094" hae="0" ce="9999999" le="9999999"/>
<detail><shape><ellipse major="5000.0" minor="5000.0" angle="360"/></shape>
<contact callsign="Homs 5 km"/></detail></event>"""

ROUTE = b"""<event version="2.0" uid="route-1" type="b-m-r" how="h-e"
 time="2024-12-05T10:00:00Z" start="2024-12-05T10:00:00Z" stale="2024-12-06T10:00:00Z">
<point lat="35.1318" lon="36.7578" hae="0" ce="9999999" le="9999999"/>
<detail>
<link uid="wp-1" callsign="Hama" type="b-m-p-w" point="35.1318,36.7578"/>
<link uid="cp-1" callsign="CP1" type="b-m-p-c" point="34.9,36.73"/>
<link uid="wp-2" callsign="Homs" type="b-m-p-w" point="34.7308,36.7094"/>
<contact callsign="M5 south"/><strokeColor value="-1"/>
</detail></event>"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_range_and_bearing_line_is_a_measurement_from_its_start(tmp_path):
    (line,) = cot.read(write(tmp_path, "rb.cot", RANGE_AND_BEARING)).annotations
    assert line.kind == "arrow"
    assert line.label == "R&B 1: 45.30 km at 004° N"
    assert line.attributes["range_m"] == 45300.0
    (start_lon, start_lat), (end_lon, end_lat) = [
        tuple(float(v) for v in pair.split()) for pair in line.geometry[12:-1].split(", ")
    ]
    leg = inverse(start_lat, start_lon, end_lat, end_lon)
    assert (start_lat, start_lon) == (34.7308, 36.7094)
    assert leg.distance_m == pytest.approx(45300.0, abs=0.5)
    assert leg.initial_bearing == pytest.approx(4.0, abs=1e-6)


@pytest.mark.parametrize(
    ("data", "label", "radius"),
    [
        (BULLSEYE, "Hama bullseye (10.00 km)", 10000.0),
        (RANGE_CIRCLE, "Homs 5 km (5.00 km)", 5000.0),
    ],
)
def test_bullseyes_and_range_circles_are_circles_of_their_radius(tmp_path, data, label, radius):
    (circle,) = cot.read(write(tmp_path, "c.cot", data)).annotations
    assert (circle.kind, circle.label, circle.style["radius_m"]) == ("circle", label, radius)
    lat, lon = circle.style["centre"]
    ring = circle.geometry[10:-2].split(", ")
    first_lon, first_lat = (float(v) for v in ring[0].split())
    assert inverse(lat, lon, first_lat, first_lon).distance_m == pytest.approx(radius, rel=1e-6)


def test_a_route_is_a_line_through_its_waypoints_which_keep_their_names(tmp_path):
    (route,) = cot.read(write(tmp_path, "route.cot", ROUTE)).annotations
    assert route.kind == "line" and route.label == "M5 south"
    assert route.geometry == "LINESTRING (36.7578 35.1318, 36.73 34.9, 36.7094 34.7308)"
    assert route.attributes["waypoints"] == ["Hama", "CP1", "Homs"]


def test_atak_geochat_is_a_message_not_an_event():
    batch = cot.read(THIRD_PARTY / "taky" / "geochat.cot")
    assert batch.events == [] and len(batch) == 0
    (message,) = batch.messages
    assert (message.sender, message.room, message.text) == ("JENNY", "JOKER MAN", "test")
    assert message.at.key == "2021-02-23T22:28:22.191000Z"
    assert message.sender_uid == "ANDROID-deadbeef"


def test_a_package_with_chat_and_ranging_imports_both_once_and_undoes(tmp_path, capsys):
    package = tmp_path / "mission.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("chat/chat.cot", (THIRD_PARTY / "taky" / "geochat.cot").read_bytes())
        archive.writestr("rb/rb.cot", RANGE_AND_BEARING)
        archive.writestr("be/be.cot", BULLSEYE)
        archive.writestr("MANIFEST/manifest.xml", b"<MissionPackageManifest version='2'/>")
    db = tmp_path / "ops.db"
    Store.open(db).close()
    assert run_cli(["import", str(db), str(package), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["added"]["annotation"] == 2 and result["added"]["message"] == 1
    assert run_cli(["import", str(db), str(package), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["added"]["message"] == 0 and again["added"]["annotation"] == 0
    with Store.open(db) as store:
        assert [m.text for m in Messages(store).search("test")] == ["test"]


MARKER = b"""<event version="2.0" uid="ANDROID-1.marker" type="a-h-G" how="h-g-i-g-o"
 time="2024-12-05T10:00:00Z" start="2024-12-05T10:00:00Z" stale="2024-12-06T10:00:00Z">
<point lat="34.7308" lon="36.7094" hae="0" ce="9999999" le="9999999"/>
<detail><contact callsign="T-72 at the roundabout"/></detail></event>"""
# The first bytes of a JPEG; enough to be kept and recognised by its name.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
MANIFEST = b"""<MissionPackageManifest version="2">
<Configuration><Parameter name="uid" value="pkg-1"/><Parameter name="name" value="recce"/>
</Configuration><Contents>
<Content ignore="false" zipEntry="m1/marker.cot"><Parameter name="uid" value="ANDROID-1.marker"/>
</Content>
<Content ignore="false" zipEntry="m1/IMG_0042.jpg"><Parameter name="uid" value="ANDROID-1.marker"/>
</Content>
<Content ignore="false" zipEntry="loose/notes.txt"/>
</Contents></MissionPackageManifest>"""


def test_a_photo_in_an_atak_package_is_kept_with_its_marker_and_shown(tmp_path, qtbot):
    from sitrep_desktop.commands.imports import ImportRecords
    from sitrep_desktop.io import pipeline
    from sitrep_desktop.store.attachments import Attachments
    from sitrep_desktop.store.bulk import StoreLookup
    from sitrep_desktop.ui.logging.detail_pane import DetailPane
    from sitrep_desktop.ui.window.selection import Selection
    from sitrep_desktop.ui.window.time_state import TimeState

    package = tmp_path / "recce.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("m1/marker.cot", MARKER)
        archive.writestr("m1/IMG_0042.jpg", PHOTO)
        archive.writestr("loose/notes.txt", b"not tied to a marker")
        archive.writestr("MANIFEST/manifest.xml", MANIFEST)
    batch = cot.read_datapackage(package)
    (event,) = batch.events
    (photo,) = batch.attachments
    assert (photo.record_id, photo.name, photo.media_type) == (
        event.id,
        "IMG_0042.jpg",
        "image/jpeg",
    )
    assert photo.data == PHOTO
    assert batch.unattached == ["loose/notes.txt"]

    store = Store.memory()
    plan = pipeline.plan_import(batch, StoreLookup(store), str(package))
    assert plan.preview()["new"]["attachment"] == 1
    command = ImportRecords(plan, str(package))
    command.do(store)
    assert [a.data for a in Attachments(store).for_record(event.id)] == [PHOTO]
    selection = Selection()
    detail = DetailPane(store, selection, TimeState())
    qtbot.addWidget(detail)
    selection.select("event", event.id)
    assert "IMG_0042.jpg (image/jpeg, 1 kB)" in detail.text
    command.undo(store)
    assert Attachments(store).for_record(event.id) == []
