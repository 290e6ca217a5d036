"""The Draw menu and toolbar: drawing tools, the style dialog, copy forward, control areas."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDialog, QMenu, QToolButton

from sitrep_desktop.commands import UpdateRecord
from sitrep_desktop.commands.annotation_commands import copy_forward
from sitrep_desktop.domain import Annotation, SitRepError
from sitrep_desktop.domain.annotation_styles import full_style, preset_style
from sitrep_desktop.ui.drawing.map_clicks import DrawingClicks
from sitrep_desktop.ui.drawing.properties import DrawingPropertiesDialog
from sitrep_desktop.ui.drawing.style_dialog import AnnotationStyleDialog
from sitrep_desktop.ui.map.layers.control_areas import ControlAreaLayer
from sitrep_desktop.ui.map.tools.draw import DrawingHost, DrawTool, Prompts
from sitrep_desktop.ui.map.tools.edit import EditTool
from sitrep_desktop.ui.window.context import FeatureContext, ObjectAction

# kind, menu text, shortcut. Ctrl+Alt keeps clear of the single keys other tools use.
TOOLS = (
    ("point", "&Point symbol", "Ctrl+Alt+P"),
    ("line", "&Line", "Ctrl+Alt+L"),
    ("arrow", "&Arrow (axis of advance)", "Ctrl+Alt+A"),
    ("polygon", "Pol&ygon (area)", "Ctrl+Alt+G"),
    ("circle", "&Circle", "Ctrl+Alt+C"),
    ("text", "&Text label", "Ctrl+Alt+T"),
)
# The look a new drawing of each kind takes until the user picks a style.
# A line is most often a front line: drawn thin and grey it read as a border.
KIND_DEFAULTS = {"line": "front line", "arrow": "advance", "text": "note"}


class DrawingFeature(QObject):
    """Owns the drawing tools of one window and the actions that reach them."""

    def __init__(self, ctx: FeatureContext) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.prompts = Prompts(ctx.parent)
        self.chosen_style: dict[str, Any] | None = None
        self.chosen_label = ""
        self.host = DrawingHost(ctx, self.style_for, self.prompts)
        self.tools = {kind: DrawTool(kind, self.host) for kind, _, _ in TOOLS}
        self.edit_tool = EditTool(self.host)
        self.host.on_drawn = self._after_drawn
        self.host.on_properties = self.edit_properties
        self.properties_dialog: DrawingPropertiesDialog | None = None
        self.clicks = DrawingClicks(ctx, self.edit_properties)
        ctx.editors["annotation"] = self._edit_by_id
        ctx.object_actions.append(
            ObjectAction("Copy forward to a new date…", ("annotation",), self._copy_forward_by_id)
        )
        # The layer works with the window's store, canvas and time (its public parts).
        self.control_layer = ControlAreaLayer(ctx.parent)
        self._build_actions()
        ctx.canvas.sigToolChanged.connect(self._on_tool_changed)
        ctx.signals.sigChanged.connect(lambda _change: self.edit_tool.refresh())

    # -- styles ----------------------------------------------------------------------
    def prompts_changed(self, prompts: Prompts) -> None:
        """Use other prompts (tests answer questions without dialogs)."""
        self.prompts = prompts
        self.host.prompts = prompts

    def style_for(self, kind: str) -> dict[str, Any]:
        if self.chosen_style is not None:
            style = full_style(self.chosen_style)
        elif kind in KIND_DEFAULTS:
            style = preset_style(KIND_DEFAULTS[kind])
        else:
            style = full_style({})
        if self.chosen_label:
            style["label"] = self.chosen_label
        return style

    def edit_style(self) -> None:
        """Style the picked drawing, or (nothing picked) the drawings to come."""
        target = self.edit_tool.target if self.ctx.canvas.tool is self.edit_tool else None
        style = target.style if target else self.chosen_style
        label = target.label if target else self.chosen_label
        dialog = AnnotationStyleDialog(
            style, label, self.ctx.store.factions.all(), parent=self.ctx.parent
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_style(dialog.style(), dialog.label(), target)

    def apply_style(self, style: dict[str, Any], label: str, target=None) -> bool:
        if target is None:
            self.chosen_style, self.chosen_label = style, label
            return True
        extra = {k: v for k, v in target.style.items() if k in ("centre", "radius_m")}
        after = _replace(target, style={**style, **extra}, label=label)
        return self.ctx.undo_stack.run(
            UpdateRecord(target, after, "style drawing"), self.ctx.parent
        )

    # -- properties ----------------------------------------------------------------------
    def _after_drawn(self, annotation: Annotation) -> None:
        """A shape is finished: the tool stops (the next click is not a new line), the
        drawing is selected, and its properties open to name and date it."""
        self.ctx.canvas.set_tool(None)
        self.ctx.selection.select("annotation", annotation.id)
        self.edit_properties(annotation)

    def _edit_by_id(self, annotation_id: str) -> DrawingPropertiesDialog | None:
        annotation = self.ctx.store.annotations.find(annotation_id)
        return self.edit_properties(annotation) if annotation is not None else None

    def selected_drawing(self) -> Annotation | None:
        """The drawing picked with the edit tool, or else the one selected."""
        if self.edit_tool.target is not None:
            return self.edit_tool.target
        sel = self.ctx.selection
        return self.ctx.store.annotations.find(sel.id) if sel.kind == "annotation" else None

    def edit_properties(
        self, annotation: Annotation | None = None
    ) -> DrawingPropertiesDialog | None:
        """Open the properties of `annotation` (default: the selected drawing); not
        modal, so the map stays in view; Save is one undo step."""
        annotation = annotation or self.selected_drawing()
        if annotation is None:
            self.host.status("Select a drawing first (click it on the map).")
            return None
        if self.properties_dialog is not None:
            self.properties_dialog.close()
        dialog = DrawingPropertiesDialog(annotation, self.ctx.store.factions.all(), self.ctx.parent)
        dialog.accepted.connect(lambda: self._save_properties(dialog))
        dialog.setModal(False)
        dialog.show()
        self.properties_dialog = dialog
        return dialog

    def _save_properties(self, dialog: DrawingPropertiesDialog) -> bool:
        edited = dialog.annotation()
        if edited is None or edited == dialog.original:
            return False
        command = UpdateRecord(dialog.original, edited, "edit drawing")
        return self.ctx.undo_stack.run(command, self.ctx.parent)

    # -- time --------------------------------------------------------------------------
    def _copy_forward_by_id(self, _kind: str, annotation_id: str) -> bool:
        self.ctx.selection.select("annotation", annotation_id)
        if self.edit_tool.target_id not in (None, annotation_id):
            self.edit_tool.select(None)
        return self.copy_forward()

    def copy_forward(self, when: str | None = None) -> bool:
        """Copy the picked drawing to a new start date (asks for the date if not given)."""
        target = self.selected_drawing()
        if target is None:
            self.host.status("Pick a drawing with the edit tool first.")
            return False
        if when is None:
            at = self.ctx.time_state.at
            when = self.prompts.text(
                "Copy forward", "New valid-from date (YYYY-MM-DD):", at.text if at else ""
            )
            if not when:
                return False
        try:
            command = copy_forward(target, when)
        except SitRepError as exc:
            self.prompts.refuse(str(exc))
            return False
        return self.ctx.undo_stack.run(command, self.ctx.parent)

    # -- actions -----------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.menu = self.ctx.menus.add("&Draw")
        self.toolbar = self.ctx.toolbar("Draw", "toolbar_draw")
        self.tool_group = QActionGroup(self)
        self.tool_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.tool_actions: dict[str, QAction] = {}
        # The six shape tools share one toolbar button with a menu, so the toolbar
        # fits a 1024-pixel screen with room for the estimated areas' switch.
        self.shapes_button = QToolButton(self.toolbar)
        self.shapes_button.setText("Draw")
        self.shapes_button.setToolTip("Draw a point, line, arrow, area, circle or label")
        self.shapes_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.shapes_menu = QMenu(self.shapes_button)
        self.shapes_button.setMenu(self.shapes_menu)
        self.toolbar.addWidget(self.shapes_button)
        for kind, text, shortcut in TOOLS:
            action = self._tool_action(text, shortcut, self.tools[kind], on_toolbar=False)
            self.shapes_menu.addAction(action)
            self.tool_actions[kind] = action
        self.tool_actions["edit"] = self._tool_action(
            "&Edit drawings", "Ctrl+Alt+E", self.edit_tool
        )
        self.tool_actions["edit"].setIconText("Edit")
        self.menu.addSeparator()
        self.action_properties = self._action(
            "&Properties (name, dates, style)…", lambda: self.edit_properties(), on_toolbar=False
        )
        self.action_style = self._action("&Style…", self.edit_style, "Ctrl+Alt+S")
        self.action_copy_forward = self._action(
            "Copy &forward to a new date…", lambda: self.copy_forward(), "Ctrl+Alt+F"
        )
        self.action_copy_forward.setIconText("Copy forward")
        self.menu.addSeparator()
        self.action_control_areas = self._action(
            "Show &estimated control areas", self.control_layer.set_enabled, "Ctrl+Alt+K"
        )
        self.action_control_areas.setCheckable(True)
        self.action_control_areas.setIconText("Estimated areas")
        self.action_control_areas.setChecked(self.control_layer.enabled)
        self.action_convert = self._action(
            "Con&vert estimated areas to drawings",
            self.control_layer.convert_to_annotations,
            on_toolbar=False,
        )

    def _action(
        self, text: str, slot, shortcut: str | None = None, *, on_toolbar: bool = True
    ) -> QAction:
        # In the Draw menu (and on its toolbar); slots take the checked flag.
        action = self.ctx.action(self.menu, text, slot, shortcut, checked=True)
        if on_toolbar:
            self.toolbar.addAction(action)
        return action

    def _tool_action(self, text: str, shortcut: str, tool, *, on_toolbar: bool = True) -> QAction:
        action = self._action(
            text,
            lambda checked: self._use(tool if checked else None),
            shortcut,
            on_toolbar=on_toolbar,
        )
        action.setCheckable(True)
        self.tool_group.addAction(action)
        return action

    def _use(self, tool) -> None:
        self.ctx.canvas.set_tool(tool)

    def _on_tool_changed(self, tool) -> None:
        for action in self.tool_actions.values():
            action.setChecked(False)
        for kind, candidate in [*self.tools.items(), ("edit", self.edit_tool)]:
            if candidate is tool:
                self.tool_actions[kind].setChecked(True)


def _replace(record, **fields):
    import dataclasses

    return dataclasses.replace(record, **fields)


def install_drawing(ctx: FeatureContext) -> DrawingFeature:
    """Add the Draw menu and toolbar to a window that has opened a file."""
    return DrawingFeature(ctx)
