"""Saved filters: kept in the database by name, recalled exactly, replaced on save."""

import pytest

from sitrep_desktop.domain.errors import ValidationError
from sitrep_desktop.store import Store
from sitrep_desktop.store.event_queries import EventFilter
from sitrep_desktop.store.saved_filters import SavedFilters


def test_save_recall_replace_and_delete(tmp_path):
    path = tmp_path / "f.db"
    with Store.open(path) as store:
        saved = SavedFilters(store)
        spec = EventFilter(categories=("airstrike",), near_place_id="x", near_km=20.0)
        saved.save("Strikes near Homs", spec)
        saved.save("Strikes near Homs", spec.with_(near_km=30.0))
        saved.save("all HTS", EventFilter(faction="HTS"))
    with Store.open(path) as store:
        saved = SavedFilters(store)
        assert saved.names() == ["all HTS", "Strikes near Homs"]
        assert saved.load("Strikes near Homs") == spec.with_(near_km=30.0)
        saved.delete("all HTS")
        assert saved.names() == ["Strikes near Homs"]
        assert saved.load("nothing") is None


def test_a_filter_needs_a_name():
    store = Store.memory()
    with pytest.raises(ValidationError):
        SavedFilters(store).save("  ", EventFilter())
