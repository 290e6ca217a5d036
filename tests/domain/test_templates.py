"""Event templates fill an event form's values without any window."""

import pytest

from sitrep_desktop.domain.templates import TEMPLATES, template_named


def test_x_captured_y_fills_actor_place_and_category():
    values = template_named("x captured y").fill("HTS", "Hama", "p-hama")
    assert values["title"] == "HTS captured Hama"
    assert (values["category"], values["actors"], values["place"]) == ("capture", "HTS", "p-hama")


def test_a_template_without_an_actor_leaves_actors_empty_and_marks_gaps():
    values = template_named("Airstrike on Y").fill("ignored", "", None)
    assert values["title"] == "Airstrike on ?" and values["actors"] == ""


def test_every_template_has_a_unique_name_and_unknown_names_are_refused():
    assert len({t.name.casefold() for t in TEMPLATES}) == len(TEMPLATES)
    with pytest.raises(KeyError):
        template_named("X teleported to Y")
