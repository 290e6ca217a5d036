"""File > Merge…: the preview, conflicts field by field, choices, one undo step."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from sitrep_desktop.domain import Event
from sitrep_desktop.store import Store
from sitrep_desktop.store.content_hash import content_hash
from sitrep_desktop.ui.team.merge_feature import merge_dialog


@pytest.fixture
def other_laptop(tmp_path, demo_path):
    """A copy of the window's database where Bob retitled an event and logged one."""
    other = tmp_path / "bob.db"
    shutil.copy(demo_path, other)
    with Store.open(other, author="bob") as bob:
        first, second = bob.events.all()[:2]
        bob.events.update(dataclasses.replace(first, title="Bob's title", description="bob"))
        bob.events.update(dataclasses.replace(second, source="Bob's source"))
        added = bob.events.add(Event(at="2024-12-07", title="Logged by Bob",
                                     place_id=bob.places.all()[0].id))  # fmt: skip
    return other, first.id, second.id, added.id


def test_the_file_menu_offers_merge(window):
    assert window.features.merge in window.menu_file.actions()


def test_the_dialog_previews_arrivals_and_lists_each_conflicting_field(window, other_laptop):
    other, first, second, added = other_laptop
    mine = window.store.events.get(first)
    window.store.events.update(dataclasses.replace(mine, title="Ana's title"))
    dialog = merge_dialog(window, other)
    preview = [dialog.preview.item(r, 2).text() for r in range(dialog.preview.rowCount())]
    assert "Logged by Bob" in preview and window.store.events.get(second).title in preview
    (top,) = [dialog.conflicts.topLevelItem(i) for i in range(dialog.conflicts.topLevelItemCount())]
    fields = {top.child(i).text(0): top.child(i) for i in range(top.childCount())}
    assert set(fields) == {"title", "description"}
    title = fields["title"]
    assert (title.text(1), title.text(2), title.text(3)) == ("Ana's title", "Bob's title",
                                                             mine.title)  # fmt: skip
    assert dialog.resolutions() == {}, "by default ours stays and the conflict stays open"
    dialog.choose(first, "fields", {"title": "theirs"})
    assert dialog.resolutions() == {first: {"title": "theirs", "description": "ours"}}
    dialog.reject()


def test_merge_applies_the_choices_as_one_undo_step(window, other_laptop):
    other, first, second, added = other_laptop
    mine = window.store.events.get(first)
    window.store.events.update(dataclasses.replace(mine, title="Ana's title"))
    before = content_hash(window.store)
    dialog = merge_dialog(window, other)
    dialog.choose(first, "theirs")
    dialog.accept()
    assert window.store.events.get(first).title == "Bob's title"
    assert window.store.events.get(added).title == "Logged by Bob"
    assert window.store.events.get(second).source == "Bob's source"
    assert window.undo_stack.undoText().startswith("merge from")
    window.undo_stack.undo()
    assert content_hash(window.store) == before
    assert window.store.events.find(added) is None
