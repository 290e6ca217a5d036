"""The legend lists the drawings with their colours and the dates they hold."""

from sitrep_desktop.domain import Annotation
from sitrep_desktop.store import StoreChange
from sitrep_desktop.ui.map.panels.legend import LegendPanel


def texts(panel):
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def test_drawings_appear_in_the_legend_and_follow_changes(qtbot, demo_memory_store):
    store = demo_memory_store
    panel = LegendPanel(store)
    qtbot.addWidget(panel)
    assert "Drawings" in texts(panel)
    assert "M5 highway" in texts(panel)
    front = store.annotations.add(
        Annotation(
            kind="line",
            label="Front line",
            geometry="LINESTRING (36.5 34.9, 37.0 34.9)",
            style={"colour": "#d32f2f", "dash": "dash"},
            valid_from="2024-12-01",
            valid_to="2024-12-05",
        )
    )
    panel.on_store_changed(StoreChange("annotation", "insert", (front.id,)))
    assert "Front line (2024-12-01 to 2024-12-05)" in texts(panel)
    store.annotations.delete(front.id)
    panel.on_store_changed(StoreChange("annotation", "delete", (front.id,)))
    assert not any(t.startswith("Front line") for t in texts(panel))
