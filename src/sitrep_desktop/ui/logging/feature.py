"""Logging: Edit and Log menu actions, the forms they open, and the timeline dock.

Ctrl+E logs an event at the selected place, or at the next map click; Ctrl+K
logs a control change; Delete deletes what is selected (asking first when it
is more than one record). Every edit is a command on the undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from sitrep_desktop.commands import DeleteRecords
from sitrep_desktop.domain import Record
from sitrep_desktop.domain.templates import TEMPLATES, EventTemplate
from sitrep_desktop.ui.logging.changes_between import ChangesBetweenDialog
from sitrep_desktop.ui.logging.event_filters import MapFilterLink
from sitrep_desktop.ui.logging.forms.place_and_control import RecordDialog
from sitrep_desktop.ui.map.panels.timeline import TimelinePane
from sitrep_desktop.ui.map.tools.base import MapTool
from sitrep_desktop.ui.window.context import FeatureContext, ObjectAction

CONFIRM_DELETE_ABOVE = 1  # deleting more than this many records asks first
NEAR_PLACE_KM = 10.0  # "Show events here": a town and its outskirts


class PickPointTool(MapTool):
    """One click on the map: call back with (lat, lon) and the place under it, if any."""

    name = "pick point"

    def __init__(self, on_pick) -> None:
        self.on_pick = on_pick

    def mouse_press(self, lat, lon, event) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        canvas = self.canvas
        place = canvas.place_near(lat, lon) if canvas is not None else None
        if canvas is not None:
            canvas.set_tool(None)
        self.on_pick(lat, lon, place)
        return True


class LoggingFeature:
    """Owns the Edit and Log actions, the record dialogs and the timeline of one window."""

    def __init__(self, ctx: FeatureContext) -> None:
        self.ctx = ctx
        self.dialogs: list = []  # open dialogs (kept so tests and the user can reach them)
        self.last_dialog = None
        self._build_actions()
        self._build_timeline()
        self._connect_panes()
        self._offer_on_the_map()

    # -- building -------------------------------------------------------------------------
    def _build_actions(self) -> None:
        ctx = self.ctx
        edit = ctx.menus.edit
        self.action_new_event = ctx.action(edit, "New &event…", self.new_event, "Ctrl+E")
        self.action_log_control = ctx.action(
            edit, "Log &control change…", self.log_control_change, "Ctrl+K"
        )
        self.action_edit = ctx.action(edit, "Edit &selected…", self.edit_selected, "Ctrl+Return")
        self.action_delete = ctx.action(
            edit,
            "&Delete selected",
            self.delete_selected,
            QKeySequence.StandardKey.Delete,
        )
        log = ctx.menus.add("&Log")
        self.menu_log = log
        log.addAction(self.action_new_event)
        ctx.action(log, "New event at a map &click…", self.new_event_at_click)
        log.addAction(self.action_log_control)
        log.addSeparator()
        ctx.action(log, "New &place…", self.new_place)
        ctx.action(log, "New place at a map c&lick…", self.new_place_at_click)
        log.addSeparator()
        templates = log.addMenu("From &template")
        for template in TEMPLATES:
            ctx.action(
                templates,
                template.name + "…",
                lambda t=template: self.from_template(t),
            )
        log.addSeparator()
        ctx.action(log, "&What changed between…", self.what_changed)

    def _build_timeline(self) -> None:
        ctx = self.ctx
        self.timeline = TimelinePane(ctx.store, ctx.time_state, ctx.parent)
        ctx.dock("timeline", "Timeline", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.timeline.sigWhatChangedRequested.connect(self.what_changed)

    def _connect_panes(self) -> None:
        ctx = self.ctx
        ctx.signals.sigChanged.connect(self.timeline.on_store_changed)
        ctx.signals.sigChanged.connect(ctx.event_list.on_store_changed)
        ctx.detail.sigEditRequested.connect(lambda kind, rid: self.edit(kind, rid))
        ctx.detail.sigLogControlRequested.connect(lambda pid: self.log_control_change(pid))
        ctx.detail.sigDeleteRequested.connect(lambda kind, rid: self.delete_selected())
        ctx.detail.sigEventsNearRequested.connect(self.show_events_near)
        ctx.event_list.filters.bbox_source = ctx.canvas.visible_lonlat
        # The list's filters filter the map's events too (a badge on the map clears them).
        self.map_filter = MapFilterLink(
            ctx.event_list.filters, ctx.canvas, ctx.event_list.clear_all_filters
        )
        ctx.signals.sigChanged.connect(self.map_filter.on_store_changed)
        ctx.canvas.view.sigRangeChangedManually.connect(self._map_moved)

    def _map_moved(self, *_args) -> None:
        filters = self.ctx.event_list.filters
        if filters.map_only.isChecked():
            filters.emit_changed()

    def _offer_on_the_map(self) -> None:
        """Entries of the map's right-click menu (the object is selected first)."""
        both = ("place", "annotation")
        for text, kinds, run in (
            ("Edit…", both, lambda kind, rid: self.edit(kind, rid)),
            ("Log event here…", ("place",), lambda _k, rid: self.open_dialog("event", place=rid)),
            ("Log control change…", ("place",), lambda _k, rid: self.log_control_change(rid)),
            ("Show events here", ("place",), lambda _k, rid: self.show_events_near(rid)),
            ("Show events here", ("annotation",), lambda _k, _rid: self.show_events_in_view()),
            ("Delete", both, lambda _k, _rid: self.delete_selected()),
        ):
            self.ctx.object_actions.append(ObjectAction(text, kinds, run))

    def show_events_in_view(self) -> None:
        """The selected drawing in view, and the list down to what the map shows (the
        filter a reader sees ticked and can untick), as a place's "within 10 km"."""
        self.ctx.canvas.zoom_to_selection()
        self.ctx.docks["events"].show()
        filters = self.ctx.event_list.filters
        if filters.map_only.isChecked():
            filters.emit_changed()  # ticked already: the box changed, not the tick
        else:
            filters.map_only.setChecked(True)

    def show_events_near(self, place_id: str, km: float = NEAR_PLACE_KM) -> None:
        """Filter the event list to what happened within `km` of the place."""
        self.ctx.docks["events"].show()
        self.ctx.event_list.filters.show_near(place_id, km)

    # -- dialogs --------------------------------------------------------------------------
    def open_dialog(self, kind: str, record: Record | None = None, **prefill) -> RecordDialog:
        ctx = self.ctx
        dialog = RecordDialog(
            kind,
            ctx.store,
            ctx.undo_stack,
            record,
            ctx.parent,
            on_saved=lambda r: self._saved(kind, r),
        )
        if prefill:
            dialog.form.prefill(**prefill)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self.dialogs.append(dialog)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)

    def _saved(self, kind: str, record: Record) -> None:
        self.ctx.selection.select(kind, record.id)

    # -- actions --------------------------------------------------------------------------
    def new_event(self) -> RecordDialog | None:
        sel = self.ctx.selection
        if sel.kind == "place" and sel.id:
            return self.open_dialog("event", place=sel.id)
        self.new_event_at_click()
        return None

    def new_event_at_click(self) -> None:
        self.ctx.status("Click the map where the event happened (Esc cancels)", 0)
        self.ctx.canvas.set_tool(PickPointTool(self._event_at_point))

    def _event_at_point(self, lat: float, lon: float, place) -> RecordDialog:
        self.ctx.clear_status()
        if place is not None:
            return self.open_dialog("event", place=place.id)
        return self.open_dialog("event", geometry=f"POINT ({lon:.6f} {lat:.6f})")

    def new_place(self, **prefill) -> RecordDialog:
        dialog = self.open_dialog("place", **prefill)
        _add_gazetteer_search(dialog)
        return dialog

    def new_place_at_click(self) -> None:
        self.ctx.status("Click the map where the place is (Esc cancels)", 0)
        self.ctx.canvas.set_tool(
            PickPointTool(lambda lat, lon, _p: self.new_place(lat=f"{lat:.6f}", lon=f"{lon:.6f}"))
        )

    def log_control_change(self, place_id: str = "") -> RecordDialog:
        sel = self.ctx.selection
        if not place_id and sel.kind == "place":
            place_id = sel.id
        dialog = self.open_dialog("control_change", place=place_id or None)
        # At the map's time, not now: an analyst replaying 2024 logs a 2024 change.
        dialog.form.propose_new_controller(self.ctx.time_state.at)  # type: ignore[attr-defined]
        return dialog

    def from_template(self, template: EventTemplate, actor: str = "") -> RecordDialog:
        sel = self.ctx.selection
        place = self.ctx.store.places.find(sel.id) if sel.kind == "place" else None
        values = template.fill(actor, place.name if place else "", place.id if place else None)
        dialog = self.open_dialog("event", **values)
        if template.needs_actor and not actor:
            dialog.form.fields["actors"].setFocus()
        return dialog

    def edit(self, kind: str, record_id: str) -> RecordDialog | None:
        repositories = {
            "event": self.ctx.store.events,
            "place": self.ctx.store.places,
            "control_change": self.ctx.store.control,
        }
        if kind not in repositories:
            editor = self.ctx.editors.get(kind)  # drawings: their properties dialog
            return editor(record_id) if editor is not None else None  # type: ignore[return-value]
        record = repositories[kind].find(record_id)
        return None if record is None else self.open_dialog(kind, record)

    def edit_selected(self) -> RecordDialog | None:
        sel = self.ctx.selection
        return self.edit(sel.kind, sel.id)

    def records_to_delete(self) -> list[Record]:
        event_list = self.ctx.event_list
        if len(event_list.table.selectionModel().selectedRows()) > 1:
            return list(event_list.selected_events())
        found = self.edit_target()
        return [found] if found is not None else []

    def edit_target(self) -> Record | None:
        sel, store = self.ctx.selection, self.ctx.store
        repo = {
            "event": store.events,
            "place": store.places,
            "control_change": store.control,
            "annotation": store.annotations,
        }
        return repo[sel.kind].find(sel.id) if sel.kind in repo else None

    def delete_selected(self, confirm=None) -> bool:
        """Delete the selection; more than one record asks first (`confirm` for tests)."""
        records = self.records_to_delete()
        if not records:
            return False
        if len(records) > CONFIRM_DELETE_ABOVE:
            ask = confirm or self._confirm_delete
            if not ask(len(records)):
                return False
        command = DeleteRecords(records, text=_delete_text(records))
        refusal = self.ctx.undo_stack.attempt(command)
        if refusal is not None:
            QMessageBox.warning(self.ctx.parent, "Not deleted", refusal)
            return False
        self.ctx.selection.clear()
        return True

    def _confirm_delete(self, count: int) -> bool:
        answer = QMessageBox.question(
            self.ctx.parent,
            "Delete records",
            f"Delete {count} records? You can undo this with Ctrl+Z.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def what_changed(self, start: str = "", end: str = "") -> ChangesBetweenDialog:
        dialog = ChangesBetweenDialog(self.ctx.store, start, end, self.ctx.parent)
        dialog.sigRecordChosen.connect(self.ctx.selection.select)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()
        return dialog


def _delete_text(records: list[Record]) -> str:
    if len(records) == 1:
        return f"delete {records[0].KIND.replace('_', ' ')}"  # type: ignore[attr-defined]
    return f"delete {len(records)} records"


def _add_gazetteer_search(dialog: RecordDialog) -> None:
    """A search box above the place form that fills name, position and population."""
    from PySide6.QtWidgets import QCompleter, QLineEdit

    from sitrep_desktop.geo.gazetteer import Gazetteer

    try:
        gazetteer = Gazetteer.load()
    except (OSError, ValueError):  # no gazetteer bundled: typing coordinates still works
        return
    box = QLineEdit(dialog)
    box.setObjectName("GazetteerSearch")
    box.setPlaceholderText("Search the gazetteer (e.g. Talbiseh)…")
    dialog.layout().insertWidget(0, box)
    found: dict[str, object] = {}

    def search(text: str) -> None:
        if len(text) < 3:
            return
        found.clear()
        for entry, _score in gazetteer.search(text, limit=15):
            found[f"{entry.name} ({entry.country}, {entry.lat:.3f}, {entry.lon:.3f})"] = entry
        box.setCompleter(QCompleter(list(found), box))

    def choose() -> None:
        entry = found.get(box.text())
        if entry is None and found:
            entry = next(iter(found.values()))
        if entry is not None:
            dialog.form.prefill(
                name=entry.name,
                lat=f"{entry.lat:.6f}",
                lon=f"{entry.lon:.6f}",
                population=str(entry.population or ""),
                alt_names=", ".join(entry.alt_names[:5]),
            )

    box.textEdited.connect(search)
    box.returnPressed.connect(choose)
    dialog.gazetteer_box = box  # type: ignore[attr-defined]
    dialog.gazetteer_choose = choose  # type: ignore[attr-defined]


def install_logging(ctx: FeatureContext) -> LoggingFeature:
    return LoggingFeature(ctx)
