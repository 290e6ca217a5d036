"""Our records as CoT and back, TAK's own CoT read in, and what is refused."""

import pytest

from sitrep_desktop.domain import Annotation, ControlChange, Event, Faction, Place
from sitrep_desktop.io.safe_xml import child, parse_xml
from sitrep_desktop.services.merge import versions_of
from sitrep_desktop.services.team.cot_in import (
    MAX_EVENT_BYTES,
    CotError,
    CotStream,
    foreign_id,
    read_cot,
)
from sitrep_desktop.services.team.cot_out import Sender, delete_cot, outgoing, presence_cot
from sitrep_desktop.store import Store

ME = Sender("SITREP-laptop-1", "Ops Homs")


@pytest.fixture
def store():
    store = Store.memory(author="analyst")
    store.categories.ensure_defaults()
    return store


def test_a_place_goes_out_with_its_holder_and_comes_back_exactly(store):
    hts = store.factions.add(
        Faction(name="Hay'at Tahrir al-Sham", short_name="HTS", colour="#2e7d32")
    )
    hama = store.places.add(Place(name="Hama", lat=35.13, lon=36.75, kind="city"))
    store.control.add(
        ControlChange(place_id=hama.id, faction_id=hts.id, at="2024-12-05", source="Reuters")
    )
    data = outgoing(store, "place", hama.id, ME).data
    event = parse_xml(data, "test")
    remarks = child(child(event, "detail"), "remarks")
    assert "Held by Hay'at Tahrir al-Sham (HTS) since 2024-12-05" in remarks.text
    assert child(child(event, "detail"), "contact").get("callsign") == "Hama"  # ATAK's label
    back = read_cot(data)
    assert back.record == hama
    assert (back.sender_uid, back.sender_callsign) == (ME.uid, ME.callsign)


def test_factions_and_control_changes_travel_as_records_tak_does_not_draw(store):
    faction = store.factions.add(
        Faction(name="Syrian Arab Army", short_name="SAA", colour="#c62828")
    )
    place = store.places.add(Place(name="Rastan", lat=34.92, lon=36.73))
    change = store.control.add(
        ControlChange(place_id=place.id, faction_id=faction.id, at="2024-12-03", source="SOHR")
    )
    for kind, record in (("faction", faction), ("control_change", change)):
        data = outgoing(store, kind, record.id, ME).data
        assert parse_xml(data, "t").get("type") == f"b-x-sitrep-{kind}"
        assert read_cot(data).record == record


def test_events_and_drawings_round_trip(store):
    event = store.events.add(
        Event(
            at="2024-12-05T14:00Z",
            title="Clash at the bridge",
            category="clash",
            geometry="POINT (36.7 35.1)",
            actors=("HTS", "SAA"),
        )
    )
    front = store.annotations.add(
        Annotation(
            geometry="LINESTRING (36.6 35.0, 36.8 35.2)",
            kind="line",
            label="Front",
            style={"colour": "#ff0000"},
        )
    )
    assert read_cot(outgoing(store, "event", event.id, ME).data).record == event
    drawn = parse_xml(outgoing(store, "annotation", front.id, ME).data, "t")
    assert drawn.get("type") == "u-d-f"  # ATAK draws it as a line
    assert read_cot(outgoing(store, "annotation", front.id, ME).data).record == front


def test_a_deleted_record_goes_out_as_a_tak_delete_naming_the_version(store):
    event = store.events.add(Event(at="2024-12-05", title="Rumour", category="other"))
    store.events.delete(event.id)
    sent = outgoing(store, "event", event.id, ME)
    assert sent.stamp is None
    parsed = parse_xml(sent.data, "t")
    assert parsed.get("type") == "t-x-d-d"
    assert child(child(parsed, "detail"), "link").get("uid") == event.id
    back = read_cot(sent.data)
    assert (back.deleted_id, back.deleted_kind, back.updated) == (event.id, "event", event.updated)
    # The tombstone's version, and the version it deleted in its history.
    version, history = versions_of(store, [event.id])[event.id]
    assert back.version == version
    assert dict(back.history) == {v: u for v, u in history.items() if v != version}
    assert f"0.{event.updated}" in dict(back.history)


def test_a_record_carries_its_version_and_latest_history(store):
    import dataclasses

    from sitrep_desktop.services.team.cot_out import HISTORY_SENT

    event = store.events.add(Event(at="2024-12-05", title="Edit 0", category="other"))
    for n in range(1, HISTORY_SENT + 5):
        store.events.update(dataclasses.replace(store.events.get(event.id), title=f"Edit {n}"))
    back = read_cot(outgoing(store, "event", event.id, ME).data)
    version, history = versions_of(store, [event.id])[event.id]
    assert back.version == version and back.record == store.events.get(event.id)
    sent = dict(back.history)
    assert len(sent) == HISTORY_SENT and version not in sent
    # The latest ones: the version before the head is there, the first is not.
    newest_first = sorted((v for v in history if v != version), reverse=True)
    assert newest_first[0] in sent and f"0.{event.created}" not in sent
    assert all(sent[v] == history[v] for v in sent)


def test_our_presence_is_not_a_record():
    assert read_cot(presence_cot(ME)) is None


ATAK_MARKER = b"""<event version="2.0" uid="ANDROID-5f2a.1" type="a-h-G" how="h-g-i-g-o"
 time="2026-11-30T12:00:00.000Z" start="2026-11-30T12:00:00.000Z" stale="2026-11-30T13:00:00Z">
 <point lat="35.14" lon="36.76" hae="0" ce="9" le="9"/>
 <detail><contact callsign="Enemy BMP"/><remarks>two vehicles</remarks>
 <link uid="ANDROID-5f2a" relation="p-p" type="a-f-G-U-C" parent_callsign="Viper 2"/></detail>
</event>"""


def test_an_atak_marker_becomes_a_team_event_that_moves_with_its_reports():
    first = read_cot(ATAK_MARKER)
    assert first.record.title == "Enemy BMP"
    assert first.record.category == "team"
    assert first.record.geometry == "POINT (36.76 35.14)"
    assert first.sender_callsign == "Viper 2"
    moved = read_cot(
        ATAK_MARKER.replace(b'lat="35.14"', b'lat="35.15"').replace(
            b'time="2026-11-30T12:00:00.000Z"', b'time="2026-11-30T12:05:00.000Z"'
        )
    )
    assert moved.record.id == first.record.id == foreign_id("ANDROID-5f2a.1")
    assert moved.record.updated > first.record.updated


def test_range_and_bearing_becomes_an_arrow_of_that_length():
    import shapely

    from sitrep_desktop.geo.geodesy import inverse

    data = b"""<event version="2.0" uid="rb-1" type="u-rb-a" how="h-e" time="2026-11-30T12:00:00Z"
      start="2026-11-30T12:00:00Z" stale="2026-12-01T12:00:00Z">
      <point lat="35.0" lon="36.0" hae="0" ce="9" le="9"/>
      <detail><range value="5000"/><bearing value="90"/><contact callsign="R&amp;B 1"/>
      </detail></event>"""
    line = read_cot(data).record
    assert line.kind == "arrow"
    (lon1, lat1), (lon2, lat2) = shapely.from_wkt(line.geometry).coords
    leg = inverse(lat1, lon1, lat2, lon2)
    assert leg.distance_m == pytest.approx(5000, abs=0.5)


def test_chat_becomes_a_team_event_naming_its_sender():
    data = b"""<event version="2.0" uid="GeoChat.ANDROID-1.All Chat Rooms.x1" type="b-t-f"
      how="h-g-i-g-o" time="2026-11-30T12:00:00Z" start="2026-11-30T12:00:00Z"
      stale="2026-12-01T12:00:00Z">
      <point lat="0" lon="0" hae="0" ce="9" le="9"/>
      <detail><__chat id="All Chat Rooms" senderCallsign="Viper 2" chatroom="All Chat Rooms"/>
      <remarks>bridge is down</remarks></detail></event>"""
    chat = read_cot(data)
    assert chat.record.description == "bridge is down"
    assert chat.record.title == "Chat from Viper 2: bridge is down"
    assert chat.record.geometry is None


def test_unsafe_or_broken_cot_is_refused_with_a_reason():
    bomb = b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaa">]><event uid="x">&a;</event>'
    with pytest.raises(CotError, match="unsafe"):
        read_cot(bomb)
    with pytest.raises(CotError, match="not well-formed"):
        read_cot(b"<event uid='x'><point></event>")
    with pytest.raises(CotError, match="cap"):
        read_cot(b"<event>" + b" " * MAX_EVENT_BYTES + b"</event>")


def test_the_stream_cuts_events_across_reads_and_drops_an_oversized_one():
    one, two = ATAK_MARKER, ATAK_MARKER.replace(b"ANDROID-5f2a.1", b"ANDROID-5f2a.2")
    stream = CotStream(limit=10_000)
    assert stream.feed(b'<?xml version="1.0"?>\n' + one[:100]) == []
    assert stream.feed(one[100:] + two[:3]) == [one]
    assert stream.feed(two[3:]) == [two]
    huge = b"<event uid='h'>" + b"x" * 20_000 + b"</event>"
    got = stream.feed(huge[:9000]) + stream.feed(huge[9000:] + one)
    assert got == [one] and stream.dropped == 1


def test_a_delete_from_atak_names_the_marker_it_made():
    data = delete_cot("event", "ignored", ME).replace(
        b'uid="ignored" relation', b'uid="ANDROID-5f2a.1" relation'
    )
    # Without our own element, the link's uid is a TAK uid.
    data = data.replace(b"<sitrep_delete", b"<other_delete")
    assert read_cot(data).deleted_id == foreign_id("ANDROID-5f2a.1")
