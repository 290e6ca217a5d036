"""Migration 5: imported attributes kept with their records; TAK chat messages."""

import sqlite3

from sitrep_desktop.domain import Annotation, Event, Place
from sitrep_desktop.domain.messages import Message
from sitrep_desktop.store import Store
from sitrep_desktop.store.messages import Messages
from sitrep_desktop.store.opening import migrate

HOMS = "3b241101-e2bb-4255-8caf-4136c566a962"


def test_migration_5_from_version_3_keeps_places_and_gives_them_no_attributes(tmp_path):
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=3)
    conn.execute(
        "INSERT INTO places (id, name, kind, lat, lon, created, updated) VALUES "
        f"('{HOMS}', 'Homs', 'city', 34.7, 36.7, 'c', 'u')"
    )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version >= 5
        homs = store.places.get(HOMS)
        assert homs.name == "Homs" and homs.attributes == {}
        assert Messages(store).count() == 0


def test_attributes_of_a_place_an_event_and_a_drawing_come_back_from_the_store(tmp_path):
    with Store.open(tmp_path / "a.db") as store:
        place = store.places.add(
            Place(name="Homs", lat=34.7, lon=36.7, attributes={"POP_MAX": 1_500_000, "ISO": "SY"})
        )
        store.categories.ensure(["other"])
        event = store.events.add(
            Event(at="2024-12-05", title="Shelling", attributes={"fatalities": 3, "z": [12.5]})
        )
        note = store.annotations.add(
            Annotation(geometry="LINESTRING (36 34, 37 35)", attributes={"road": "M5"})
        )
        assert store.places.get(place.id).attributes == {"POP_MAX": 1_500_000, "ISO": "SY"}
        assert store.events.get(event.id).attributes == {"fatalities": 3, "z": [12.5]}
        assert store.annotations.get(note.id).attributes == {"road": "M5"}
        store.places.update(store.places.get(place.id))
        assert store.places.get(place.id).attributes["ISO"] == "SY"


def test_chat_messages_are_added_once_and_found_by_text_sender_or_room(tmp_path):
    with Store.open(tmp_path / "m.db") as store:
        messages = Messages(store)
        first = Message(at="2024-12-05T10:00:00Z", sender="VIPER 1", room="All Chat Rooms",
                        text="Convoy north of Homs")  # fmt: skip
        second = Message(at="2024-12-05T09:00:00Z", sender="HAWK", room="Ops", text="100% ok")
        assert len(messages.add_many([first, second])) == 2
        assert messages.add_many([first]) == []
        assert [m.sender for m in messages.search()] == ["HAWK", "VIPER 1"]
        assert [m.text for m in messages.search("homs")] == ["Convoy north of Homs"]
        assert [m.sender for m in messages.search("viper")] == ["VIPER 1"]
        assert [m.text for m in messages.search("100%")] == ["100% ok"]
        assert messages.search("0%_") == []
        assert [m.room for m in messages.search(room="Ops")] == ["Ops"]
