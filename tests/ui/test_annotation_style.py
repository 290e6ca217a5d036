"""The style dialog, presets, and how a style shows on the map."""

import pytest
from draw_helpers import open_demo_window
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsSimpleTextItem

from sitrep_desktop.domain import Annotation, Faction
from sitrep_desktop.geo.projection import default_projection
from sitrep_desktop.services.demo import demo_id
from sitrep_desktop.ui.drawing.style_dialog import AnnotationStyleDialog
from sitrep_desktop.ui.map.layers.drawings import make_annotation_item

HTS = Faction(name="Hayat Tahrir al-Sham", short_name="HTS", colour="#2e7d32")


def test_style_dialog_takes_the_factions_colour_and_a_preset(qtbot):
    dialog = AnnotationStyleDialog({}, "", [HTS])
    qtbot.addWidget(dialog)
    dialog.faction_box.setCurrentIndex(1)
    assert dialog.style()["colour"] == "#2e7d32"
    dialog.preset_box.setCurrentText("advance")
    style = dialog.style()
    assert style["colour"] == "#2e7d32" and style["width"] == 4.0
    assert style["preset"] == "advance" and style["faction_id"] == HTS.id


def test_style_dialog_round_trips_a_style(qtbot):
    given = {
        "colour": "#ef6c00",
        "width": 2.5,
        "dash": "dot",
        "fill_opacity": 0.3,
        "symbol": "star",
        "text_size": 14,
    }
    dialog = AnnotationStyleDialog(given, "Hazard", [])
    qtbot.addWidget(dialog)
    assert dialog.style() == given and dialog.label() == "Hazard"


def test_an_arrow_has_a_head_and_a_label(qapp):
    arrow = Annotation(
        kind="arrow",
        label="Advance on Homs",
        geometry="LINESTRING (36.75 35.13, 36.73 34.80)",
        style={"colour": "#2e7d32", "width": 4, "dash": "dash"},
    )
    item = make_annotation_item(arrow, default_projection())
    children = item.childItems()
    assert any(isinstance(c, QGraphicsPathItem) for c in children)  # the head
    assert [c.text() for c in children if isinstance(c, QGraphicsSimpleTextItem)] == [
        "Advance on Homs"
    ]
    assert item.pen().widthF() == 4 and item.brush().style().name == "NoBrush"


def test_polygon_fill_follows_its_opacity(qapp):
    area = Annotation(
        kind="polygon",
        geometry="POLYGON ((36 35, 36.5 35, 36.5 35.5, 36 35))",
        style={"colour": "#c62828", "fill_opacity": 0.4},
    )
    item = make_annotation_item(area, default_projection())
    assert item.brush().color().alphaF() == pytest.approx(0.4, abs=0.01)


def test_style_a_picked_drawing_through_the_undo_stack(qtbot, demo_path):
    window = open_demo_window(qtbot, demo_path)
    m5 = window.store.annotations.get(demo_id("annotation", "M5"))
    feature = window.features.drawing
    assert feature.apply_style({"colour": "#000000", "width": 5.0}, "M5 (main road)", m5)
    styled = window.store.annotations.get(m5.id)
    assert styled.label == "M5 (main road)" and styled.style["width"] == 5.0
    window.undo_stack.undo()
    assert window.store.annotations.get(m5.id).style == m5.style
    # With nothing picked, the style is for the drawings to come.
    feature.apply_style({"colour": "#123456"}, "note")
    assert feature.style_for("line")["colour"] == "#123456"
    assert feature.style_for("line")["label"] == "note"
    window.close()
