"""Map texts keep clear of each other: place names, drawing labels (the M5, the
coastal region), estimate warnings, markers and the selection ring."""

import pytest
from PySide6.QtCore import QPointF, QRectF

from sitrep_desktop.domain import Annotation
from sitrep_desktop.ui.map.canvas import SELECTION_RADIUS
from sitrep_desktop.ui.map.texts import NAME_MARGIN, MapText, text_boxes


@pytest.fixture(scope="module")
def towns_window(shared_window):
    """The module's shared window with the gazetteer's towns among its labels, as
    after its first paint: whichever test comes first, each sees the same names."""
    shared_window.canvas.load_town_labels()
    return shared_window


@pytest.fixture
def labels_window(towns_window):
    """The shared window, for the tests that set a view and read; after each, the
    window is 1400x900 again with nothing selected."""
    yield towns_window
    towns_window.resize(1400, 900)
    towns_window.selection.clear()


def test_place_labels_do_not_overlap_drawing_labels(labels_window):
    window = labels_window
    canvas = window.canvas
    for box in ((35.3, 34.4, 37.3, 36.0), (34.0, 32.5, 39.0, 37.0)):
        canvas.set_lonlat_range(*box)
        canvas.grab()  # paint: labels are laid out at paint time
        drawings = [QRectF(*b) for b in text_boxes(canvas)]
        assert drawings, "the demo's drawings have labels on screen"
        for _text, rect in canvas.place_labels.drawn:
            assert not any(rect.intersects(d) for d in drawings), _text


@pytest.mark.parametrize("size", [(1400, 900), (1600, 1000)])
def test_a_drawing_label_keeps_a_space_from_a_place_name(window, size):
    """Flush against "Latakia", "HTS — ESTIMATE" read as one name. The gazetteer's
    towns too ("Habboûch", "Kafranbel" sat flush against drawing labels)."""
    canvas = window.canvas
    canvas.load_town_labels()  # as after the window's first paint
    window.resize(*size)
    for box in VIEWS.values():
        canvas.set_lonlat_range(*box)
        canvas.grab()
        drawings = [QRectF(*b) for b in text_boxes(canvas)]
        for text, rect in canvas.place_labels.drawn:
            spaced = rect.adjusted(-NAME_MARGIN + 1, 0, NAME_MARGIN - 1, 0)
            assert not any(spaced.intersects(d) for d in drawings), text


def _map_text_boxes(canvas):
    transform = canvas.viewportTransform()
    return {
        item.text(): item.deviceTransform(transform).mapRect(item.boundingRect())
        for item in canvas.scene().items()
        if isinstance(item, MapText) and item.isVisible()
    }


def _marker_boxes(canvas):
    """Each place marker as drawn: the scatter's spots, with their 1 px outline."""
    transform = canvas.view.childGroup.deviceTransform(canvas.viewportTransform())
    boxes = {}
    for spot in canvas.place_scatter.points():
        _kind, place_id = spot.data()
        centre = transform.map(QPointF(spot.pos()))
        r = spot.size() / 2 + 1
        name = canvas.store.places.get(place_id).name
        boxes[name] = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
    return boxes


VIEWS = {
    "Syria": (34.0, 32.5, 39.0, 37.0),
    "Hama to Homs": (35.3, 34.4, 37.3, 36.0),
    "the coast": (35.4, 34.6, 36.6, 35.8),
}


@pytest.fixture(scope="module")
def estimates_window(towns_window):
    """The module's shared window with the estimated areas shown, for the views
    below, which only set the view and read."""
    towns_window.features.drawing.control_layer.set_enabled(True)
    return towns_window


@pytest.mark.parametrize("view", VIEWS)
def test_drawing_and_estimate_labels_keep_clear_of_each_other_and_of_places(estimates_window, view):
    window = estimates_window
    canvas = window.canvas
    canvas.set_lonlat_range(*VIEWS[view])
    canvas.grab()
    texts = _map_text_boxes(canvas)
    assert any("ESTIMATE" in t for t in texts) and "M5 highway" in texts
    markers = _marker_boxes(canvas)
    screen = QRectF(canvas.viewport().rect())
    names = sorted(texts)
    for i, name in enumerate(names):
        for other in names[i + 1 :]:
            assert not texts[name].intersects(texts[other]), (name, other)
        for place, marker in markers.items():
            if screen.contains(marker):
                assert not texts[name].intersects(marker), (name, place)


def test_the_m5_label_leaves_the_towns_along_the_road_their_names(labels_window):
    window = labels_window
    canvas = window.canvas
    canvas.set_lonlat_range(*VIEWS["Syria"])
    canvas.grab()
    drawn = {text for text, _rect in canvas.place_labels.drawn}
    assert {"Hama", "Homs", "al-Rastan", "Damascus", "Aleppo"} <= drawn
    assert "M5 highway" in _map_text_boxes(canvas)


def test_place_names_clear_their_marker_and_the_selection_ring(labels_window):
    window = labels_window
    canvas = window.canvas
    hama = next(p for p in window.store.places.all() if p.name == "Hama")
    window.selection.select("place", hama.id)
    canvas.set_lonlat_range(*VIEWS["Hama to Homs"])
    canvas.grab()
    markers = _marker_boxes(canvas)
    ring = markers["Hama"].center()
    for text, rect in canvas.place_labels.drawn:
        if text in markers:
            assert not rect.intersects(markers[text]), text
    hama_label = next(rect for text, rect in canvas.place_labels.drawn if text == "Hama")
    reach = SELECTION_RADIUS
    assert not hama_label.intersects(
        QRectF(ring.x() - reach, ring.y() - reach, 2 * reach, 2 * reach)
    )


def test_at_world_zoom_big_countries_are_named_before_tiny_territories(labels_window):
    window = labels_window
    canvas = window.canvas
    canvas.set_lonlat_range(-170, -60, 170, 75)
    canvas.grab()
    assert canvas.basemap.level == "world"
    drawn = {text for text, _rect in canvas.place_labels.drawn}
    assert {"Brazil", "Australia", "India", "Canada", "Russia", "Saudi Arabia"} <= drawn
    assert not drawn & {"Gibraltar", "Bermuda", "San Marino", "Isle of Man", "Pitcairn Is."}


def test_at_world_zoom_small_drawings_keep_their_labels_for_a_closer_look(labels_window):
    window = labels_window
    canvas = window.canvas
    window.features.drawing.control_layer.set_enabled(True)
    canvas.set_lonlat_range(-170, -60, 170, 75)
    canvas.grab()
    texts = [i for i in canvas.scene().items() if isinstance(i, MapText)]
    assert texts and not any(t.isVisible() for t in texts)
    canvas.set_lonlat_range(*VIEWS["Syria"])
    canvas.grab()
    shown = {t.text() for t in texts if t.isVisible()}
    assert "M5 highway" in shown and any("ESTIMATE" in t for t in shown)


def test_crowded_drawing_labels_never_overlap_and_text_drawings_always_show(window):
    """Ten labelled points within 10 km: those with room are labelled, the rest
    wait for a closer look; a text drawing nearby is always shown."""
    store = window.store
    with store.transaction():
        for n in range(10):
            store.annotations.add(
                Annotation(
                    kind="point",
                    label=f"Checkpoint number {n}",
                    geometry=f"POINT (38.5 {35.5 + 0.01 * n:.2f})",  # 1 km apart
                )
            )
        store.annotations.add(
            Annotation(kind="text", label="CONTESTED", geometry="POINT (38.5 35.2)")
        )
    canvas = window.canvas
    canvas.set_lonlat_range(*VIEWS["Syria"])
    canvas.grab()
    texts = _map_text_boxes(canvas)
    assert "CONTESTED" in texts
    checkpoints = [t for t in texts if t.startswith("Checkpoint")]
    assert 1 <= len(checkpoints) < 10
    names = sorted(texts)
    for i, name in enumerate(names):
        for other in names[i + 1 :]:
            assert not texts[name].intersects(texts[other]), (name, other)
    # Closer in, each point has room for its name.
    canvas.set_lonlat_range(38.3, 35.45, 38.7, 35.65)
    canvas.grab()
    assert len([t for t in _map_text_boxes(canvas) if t.startswith("Checkpoint")]) == 10
