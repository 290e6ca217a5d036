"""Team events arriving while the map is open: the place names are not laid out and
painted again for each repaint the events cause (that cost ~35 ms a frame), only
when the view, the names or what they must keep clear of change."""

from __future__ import annotations

import pytest

from sitrep_desktop.domain import Event


@pytest.fixture
def window(window, qtbot):
    """The shared window fixture's, once its events are read and its names are all in."""
    qtbot.waitUntil(lambda: window.canvas.situation.events_read, timeout=10_000)
    # The gazetteer's towns join the names after the first paint.
    qtbot.waitUntil(lambda: window.canvas._town_labels is not None, timeout=10_000)
    return window


def _repaint(window) -> None:
    window.canvas.viewport().repaint()


def test_events_arriving_leave_the_place_names_as_laid_out(window, qtbot):
    labels = window.canvas.place_labels
    _repaint(window)
    drawn = list(labels.drawn)
    assert drawn, "the demo's place names are on the map"
    layouts = labels.layouts
    for n in range(5):
        window.store.events.add(
            Event(
                at=f"2024-12-0{n + 1}T10:00Z",
                title=f"Team report {n}",
                category="clash",
                geometry="POINT (36.72 34.73)",
            )  # fmt: skip
        )
        qtbot.wait(50)  # the views' held refresh runs
        _repaint(window)
    assert labels.layouts == layouts
    assert labels.drawn == drawn


def test_panning_lays_the_names_out_again(window, qtbot):
    labels = window.canvas.place_labels
    _repaint(window)
    layouts = labels.layouts
    window.canvas.view.translateBy(x=20_000, y=0)
    _repaint(window)
    assert labels.layouts == layouts + 1
    _repaint(window)
    assert labels.layouts == layouts + 1  # the same view: the names as they were
