"""Drawing each kind with the mouse puts an annotation in the store; edits undo."""

import pytest
import shapely
from draw_helpers import Answers, click, double_click, drag, new_annotations, open_demo_window
from PySide6.QtCore import Qt

from sitrep_desktop.domain import parse_moment

# Open country between Hama and Homs, away from place markers (no snapping).
A, B, C = (35.05, 36.35), (35.00, 36.50), (34.90, 36.40)


@pytest.fixture
def window(qtbot, demo_path):
    window = open_demo_window(qtbot, demo_path)
    yield window
    window.canvas.set_tool(None)
    window.close()


def use(window, kind):
    window.features.drawing.tool_actions[kind].trigger()
    assert window.canvas.tool is (
        window.features.drawing.edit_tool if kind == "edit" else window.features.drawing.tools[kind]
    )


def draw_shape(qtbot, window, kind, clicks):
    before = {a.id for a in window.store.annotations.all()}
    use(window, kind)
    for lat, lon in clicks[:-1]:
        click(qtbot, window, lat, lon)
    double_click(qtbot, window, *clicks[-1])
    return new_annotations(window, before)


@pytest.mark.parametrize("kind", ["line", "arrow", "polygon"])
def test_draw_with_clicks_and_a_double_click(qtbot, window, kind):
    added = draw_shape(qtbot, window, kind, [A, B, C])
    assert len(added) == 1
    annotation = added[0]
    assert annotation.kind == kind
    shape = shapely.from_wkt(annotation.geometry)
    corners = shape.exterior.coords[:-1] if kind == "polygon" else shape.coords
    assert len(corners) == 3
    for (lon, lat), (want_lat, want_lon) in zip(corners, [A, B, C], strict=True):
        assert lat == pytest.approx(want_lat, abs=0.01) and lon == pytest.approx(want_lon, abs=0.01)
    assert annotation.id in window.canvas.annotation_items


def test_draw_a_point_symbol_with_one_click(qtbot, window):
    before = {a.id for a in window.store.annotations.all()}
    use(window, "point")
    click(qtbot, window, *A)
    (annotation,) = new_annotations(window, before)
    assert annotation.kind == "point" and shapely.from_wkt(annotation.geometry).geom_type == "Point"
    assert annotation.style["symbol"] == "circle"


def test_draw_a_text_label_beside_talbiseh(qtbot, window):
    window.features.drawing.prompts_changed(Answers(text="Rebel positions struck"))
    before = {a.id for a in window.store.annotations.all()}
    use(window, "text")
    click(qtbot, window, 34.84, 36.60)
    (annotation,) = new_annotations(window, before)
    assert annotation.kind == "text" and annotation.label == "Rebel positions struck"


def test_draw_a_geodesic_circle_from_centre_and_rim(qtbot, window):
    before = {a.id for a in window.store.annotations.all()}
    use(window, "circle")
    click(qtbot, window, *A)
    click(qtbot, window, A[0], A[1] + 0.1)
    (annotation,) = new_annotations(window, before)
    assert annotation.kind == "circle"
    # 0.1 deg of longitude at 35 N is about 9.1 km.
    assert annotation.style["radius_m"] == pytest.approx(9130, rel=0.02)
    assert shapely.from_wkt(annotation.geometry).geom_type == "Polygon"


def test_enter_finishes_and_escape_cancels(qtbot, window):
    before = {a.id for a in window.store.annotations.all()}
    use(window, "line")
    click(qtbot, window, *A)
    click(qtbot, window, *B)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert new_annotations(window, before) == []
    assert window.canvas.tool is window.features.drawing.tools["line"]  # still drawing lines
    click(qtbot, window, *A)
    click(qtbot, window, *B)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    assert len(new_annotations(window, before)) == 1


def test_vertices_snap_to_a_place_nearby(qtbot, window):
    hama = window.store.places.by_name("Hama")
    added = draw_shape(qtbot, window, "arrow", [(hama.lat + 0.01, hama.lon + 0.01), (34.95, 36.45)])
    start = shapely.from_wkt(added[0].geometry).coords[0]
    assert start == (hama.lon, hama.lat)


def test_a_self_crossing_polygon_is_refused_with_a_message(qtbot, window):
    answers = Answers(repair=False)
    window.features.drawing.prompts_changed(answers)
    bow_tie = [(35.1, 36.3), (34.9, 36.5), (35.1, 36.5), (34.9, 36.3)]
    assert draw_shape(qtbot, window, "polygon", bow_tie) == []
    assert answers.refusals and "crosses itself" in answers.refusals[0]


def test_a_self_crossing_polygon_is_repaired_on_request(qtbot, window):
    window.features.drawing.prompts_changed(Answers(repair=True))
    bow_tie = [(35.1, 36.3), (34.9, 36.5), (35.1, 36.5), (34.9, 36.3)]
    (annotation,) = draw_shape(qtbot, window, "polygon", bow_tie)
    shape = shapely.from_wkt(annotation.geometry)
    assert shape.is_valid and shape.geom_type == "MultiPolygon"


def test_drawing_is_undoable(qtbot, window):
    (annotation,) = draw_shape(qtbot, window, "line", [A, B])
    window.undo_stack.undo()
    assert annotation.id not in {a.id for a in window.store.annotations.all()}
    window.undo_stack.redo()
    assert window.store.annotations.get(annotation.id).geometry == annotation.geometry


def test_move_a_vertex_then_undo(qtbot, window):
    (annotation,) = draw_shape(qtbot, window, "line", [A, B, C])
    use(window, "edit")
    click(qtbot, window, *B)  # pick the line
    assert window.features.drawing.edit_tool.target_id == annotation.id
    drag(qtbot, window, B, (35.02, 36.60))
    moved = shapely.from_wkt(window.store.annotations.get(annotation.id).geometry)
    assert moved.coords[1][0] == pytest.approx(36.60, abs=0.01)
    assert moved.coords[0] == pytest.approx(shapely.from_wkt(annotation.geometry).coords[0])
    assert window.undo_stack.undoText() == "edit drawing"
    window.undo_stack.undo()
    assert window.store.annotations.get(annotation.id).geometry == annotation.geometry


def test_insert_and_delete_vertices(qtbot, window):
    (annotation,) = draw_shape(qtbot, window, "line", [A, C])
    use(window, "edit")
    click(qtbot, window, *A)
    middle = ((A[0] + C[0]) / 2, (A[1] + C[1]) / 2)
    click(qtbot, window, *middle, Qt.KeyboardModifier.ShiftModifier)
    assert len(shapely.from_wkt(window.store.annotations.get(annotation.id).geometry).coords) == 3
    click(qtbot, window, *middle, Qt.KeyboardModifier.ControlModifier)
    assert len(shapely.from_wkt(window.store.annotations.get(annotation.id).geometry).coords) == 2
    # Two points are the least a line can have.
    click(qtbot, window, *A, Qt.KeyboardModifier.ControlModifier)
    assert len(shapely.from_wkt(window.store.annotations.get(annotation.id).geometry).coords) == 2


def test_move_the_whole_shape(qtbot, window):
    (annotation,) = draw_shape(qtbot, window, "polygon", [A, B, C])
    use(window, "edit")
    inside = shapely.from_wkt(annotation.geometry).centroid
    click(qtbot, window, inside.y, inside.x)
    drag(qtbot, window, (inside.y, inside.x), (inside.y + 0.1, inside.x))
    moved = shapely.from_wkt(window.store.annotations.get(annotation.id).geometry)
    assert moved.centroid.y == pytest.approx(inside.y + 0.1, abs=0.01)
    assert window.undo_stack.undoText() == "move drawing"


def test_delete_key_removes_the_picked_drawing(qtbot, window):
    (annotation,) = draw_shape(qtbot, window, "line", [A, B])
    use(window, "edit")
    click(qtbot, window, *A)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    assert annotation.id not in {a.id for a in window.store.annotations.all()}


def test_annotation_valid_only_before_5_december_disappears_after(qtbot, window):
    window.time_state.set_at(parse_moment("2024-12-01"))
    (annotation,) = draw_shape(qtbot, window, "line", [A, B])
    assert annotation.valid_from.text == "2024-12-01"  # drawn "as of" the time shown
    use(window, "edit")
    click(qtbot, window, *A)
    assert window.features.drawing.copy_forward("2024-12-05")
    old = window.store.annotations.get(annotation.id)
    assert old.valid_to.text == "2024-12-04"
    assert window.canvas.annotation_items[annotation.id].isVisible()
    window.time_state.set_at(parse_moment("2024-12-06"))
    assert not window.canvas.annotation_items[annotation.id].isVisible()
    window.time_state.set_at(parse_moment("2024-12-03"))
    assert window.canvas.annotation_items[annotation.id].isVisible()
