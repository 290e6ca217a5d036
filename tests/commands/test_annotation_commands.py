"""Copy a front line forward in time; edit a drawing's shape; undo both."""

import pytest

from sitrep_desktop.commands.annotation_commands import MoveAnnotation, copy_forward
from sitrep_desktop.domain import Annotation, ValidationError, parse_moment
from sitrep_desktop.domain.annotation_styles import PRESETS, full_style, preset_style

FRONT = "LINESTRING (36.6 35.3, 36.8 35.25, 37.0 35.2)"


@pytest.fixture
def store(memory_store):
    return memory_store


def add_front(store, **fields):
    return store.annotations.add(
        Annotation(kind="line", label="front line", geometry=FRONT, **fields)
    )


def test_copy_forward_closes_the_old_front_line_the_day_before(store):
    front = add_front(store, valid_from="2024-12-01")
    command = copy_forward(front, "2024-12-06")
    command.do(store)
    old = store.annotations.get(front.id)
    assert old.valid_to.text == "2024-12-05"
    copies = [a for a in store.annotations.all() if a.id != front.id]
    assert len(copies) == 1
    copy = copies[0]
    assert copy.valid_from.text == "2024-12-06" and copy.valid_to is None
    assert copy.geometry == front.geometry and copy.label == front.label
    on_5th = {a.id for a in store.annotations.valid_at(parse_moment("2024-12-05"))}
    on_6th = {a.id for a in store.annotations.valid_at(parse_moment("2024-12-06"))}
    assert on_5th == {front.id} and on_6th == {copy.id}


def test_copy_forward_undo_and_redo(store):
    front = add_front(store, valid_from="2024-12-01")
    command = copy_forward(front, "2024-12-06")
    command.do(store)
    command.undo(store)
    assert [a.id for a in store.annotations.all()] == [front.id]
    assert store.annotations.get(front.id).valid_to is None
    command.do(store)
    assert len(store.annotations.all()) == 2
    assert store.annotations.get(front.id).valid_to.text == "2024-12-05"


def test_copy_forward_at_a_time_closes_at_that_instant(store):
    front = add_front(store)
    copy_forward(front, "2024-12-06T12:00Z").do(store)
    assert store.annotations.get(front.id).valid_to.text == "2024-12-06T12:00:00Z"


def test_copy_forward_keeps_a_later_end(store):
    front = add_front(store, valid_from="2024-12-01", valid_to="2024-12-20")
    copy_forward(front, "2024-12-06").do(store)
    copy = next(a for a in store.annotations.all() if a.id != front.id)
    assert copy.valid_to.text == "2024-12-20"


def test_copy_forward_to_before_the_start_is_refused(store):
    front = add_front(store, valid_from="2024-12-06")
    with pytest.raises(ValidationError):
        copy_forward(front, "2024-12-01")


def test_move_annotation_changes_geometry_and_undo_restores_it(store):
    front = add_front(store)
    moved = "LINESTRING (36.6 35.3, 36.9 35.3, 37 35.2)"
    command = MoveAnnotation(front, moved)
    command.do(store)
    assert store.annotations.get(front.id).geometry == moved
    command.undo(store)
    assert store.annotations.get(front.id).geometry == front.geometry
    command.do(store)
    assert store.annotations.get(front.id).geometry == moved


def test_edits_land_in_the_journal(store):
    front = add_front(store)
    MoveAnnotation(front, "LINESTRING (36 35, 37 35)").do(store)
    actions = [entry.action for entry in store.journal.for_record(front.id)]
    assert actions[-1] == "update"


def test_presets_take_the_factions_colour():
    style = preset_style("front line", faction_colour="#2e7d32")
    assert style["colour"] == "#2e7d32" and style["preset"] == "front line"
    assert preset_style("hazard")["dash"] == "dot"
    assert set(PRESETS) == {"front line", "advance", "area of control", "hazard", "note"}
    assert full_style({})["width"] == 2.0
    with pytest.raises(KeyError):
        preset_style("nonsense")


def test_a_self_crossing_polygon_is_refused_by_the_record():
    bow_tie = "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"
    with pytest.raises(ValidationError, match="invalid shape"):
        Annotation(kind="polygon", geometry=bow_tie)
