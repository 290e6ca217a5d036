"""The main window: map in the middle, event list and detail pane docked beside it.

Built in two steps so it shows fast: the frame (menus, status bar) needs only
QtWidgets; `open_store` then builds the panes, which import pyqtgraph and friends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from sitrep_desktop.ui.window.actions import add_action
from sitrep_desktop.ui.window.context import FeatureContext, Menus

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from sitrep_desktop.ui.drawing.feature import DrawingFeature
    from sitrep_desktop.ui.exchange.dialogs import ExchangeActions
    from sitrep_desktop.ui.logging.feature import LoggingFeature
    from sitrep_desktop.ui.map.feature import MapFeature
    from sitrep_desktop.ui.measure.feature import MeasureFeature
    from sitrep_desktop.ui.messages.feature import MessagesPane
    from sitrep_desktop.ui.team.feature import TeamFeature
    from sitrep_desktop.ui.window.backups import BackupController

APP_NAME = "SitRep Desktop"
MAX_RECENT = 8
# The map is what a user came for: the docks beside it give way before it drops
# under this share of the window's width (a 1024-pixel laptop included).
MAP_SHARE = 0.6
SIDE_SHARE = 0.3  # the events and details column on first start
SIDE_WIDTH_MAX = 560
DOCK_MIN_WIDTH = 180


@dataclass(frozen=True)
class Features:
    """The features installed in a window, for tests and scripts to drive; features
    themselves never look each other up here (each gets a FeatureContext)."""

    export_snapshot: QAction
    exchange: ExchangeActions
    backups: BackupController
    measure: MeasureFeature
    logging: LoggingFeature
    drawing: DrawingFeature
    map: MapFeature
    messages: MessagesPane
    merge: QAction
    team: TeamFeature


_OPEN_WINDOWS: list[MainWindow] = []  # windows that took over from another: kept alive here


def _forget(window: MainWindow) -> None:
    if window in _OPEN_WINDOWS:
        _OPEN_WINDOWS.remove(window)


class MainWindow(QMainWindow):
    sigHandedOver = Signal(object)  # the window that took over (another file was opened)
    sigFeaturesInstalled = Signal()

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.store = None
        self.db_path: Path | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1400, 900)
        self._build_menus()
        self.cursor_label = QLabel("")
        self.cursor_label.setObjectName("CursorLabel")
        self.statusBar().addPermanentWidget(self.cursor_label)
        placeholder = QLabel("Opening the map…")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(placeholder)
        self.docks: dict[str, QDockWidget] = {}
        # Docks are fitted once the layout has settled, however many changes came.
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.keep_map_share)
        self.context: FeatureContext | None = None
        self.features: Features | None = None

    # -- menus -----------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("&File")
        self.menu_edit = bar.addMenu("&Edit")
        self.menu_view = bar.addMenu("&View")
        self.menu_tools = bar.addMenu("&Tools")
        self.menu_help = bar.addMenu("&Help")
        add_action(
            self, self.menu_file, "&New database…", self.new_database, QKeySequence.StandardKey.New
        )
        add_action(
            self, self.menu_file, "&Open database…", self.open_dialog, QKeySequence.StandardKey.Open
        )
        self.menu_recent = self.menu_file.addMenu("Open &recent")
        self.menu_file.addSeparator()
        self.action_quit = add_action(
            self, self.menu_file, "&Quit", self.close, QKeySequence.StandardKey.Quit
        )
        add_action(self, self.menu_help, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        add_action(self, self.menu_help, "&About SitRep Desktop", self.show_about)
        from PySide6.QtGui import QUndoStack

        self.undo_stack = QUndoStack(self)
        self.action_undo = add_action(
            self,
            self.menu_edit,
            "&Undo",
            lambda: self.undo_stack.undo(),
            QKeySequence.StandardKey.Undo,
        )
        self.action_redo = add_action(
            self,
            self.menu_edit,
            "&Redo",
            lambda: self.undo_stack.redo(),
            QKeySequence.StandardKey.Redo,
        )
        self.menu_edit.addSeparator()
        self._connect_undo_actions()
        self._refresh_recent_menu()

    # -- the store -----------------------------------------------------------------------
    def open_store(self, store, db_path: Path | None, *, defer_features: bool = False) -> None:
        """Build the panes and features over `store`. A window holds one file for
        its life: opening another goes through `open_path`, which hands over to a
        new window. With `defer_features`, menus, tools and docks of the features
        are added just after the map's first paint, so the map shows sooner."""
        from sitrep_desktop.ui.logging.detail_pane import DetailPane
        from sitrep_desktop.ui.logging.event_list import EventListPane
        from sitrep_desktop.ui.map.canvas import MapCanvas
        from sitrep_desktop.ui.window.selection import Selection
        from sitrep_desktop.ui.window.store_signals import StoreSignals
        from sitrep_desktop.ui.window.time_state import TimeState
        from sitrep_desktop.ui.window.undo import UndoStack

        if hasattr(self, "canvas"):
            raise RuntimeError("this window already shows a file; use open_path or hand_over")
        self.store = store
        self.db_path = db_path
        self.selection = Selection(self)
        self.time_state = TimeState(self)
        self.signals = StoreSignals(store, self)
        self.undo_stack.deleteLater()
        self.undo_stack = UndoStack(store, self)
        self._connect_undo_actions()
        self.canvas = MapCanvas(store, self.selection, self.time_state, self)
        self.setCentralWidget(self.canvas)
        self.event_list = EventListPane(store, self.selection, self.time_state, self)
        self.detail = DetailPane(store, self.selection, self.time_state, self)
        self.add_dock("events", "Events", self.event_list, Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock("detail", "Details", self.detail, Qt.DockWidgetArea.RightDockWidgetArea)
        self._first_layout()
        for view in (self.canvas, self.event_list.model, self.detail):
            self.signals.sigChanged.connect(view.on_store_changed)
        self.canvas.sigCursorMoved.connect(self.show_cursor)
        title = db_path.name if db_path else "in memory"
        self.setWindowTitle(f"{title} — {APP_NAME}")
        if db_path is not None:
            self._remember_recent(db_path)
        if defer_features:
            from sitrep_desktop.ui.window.first_paint import on_first_paint

            on_first_paint(self.canvas.viewport(), self._install_features)
        else:
            self._install_features()

    def _context(self) -> FeatureContext:
        return FeatureContext(
            store=self.store,
            db_path=self.db_path,
            settings=self.settings,
            selection=self.selection,
            time_state=self.time_state,
            undo_stack=self.undo_stack,
            signals=self.signals,
            canvas=self.canvas,
            event_list=self.event_list,
            detail=self.detail,
            menus=Menus(
                self.menuBar(),
                self.menu_file,
                self.menu_edit,
                self.menu_view,
                self.menu_tools,
                self.menu_help,
            ),
            parent=self,
            docks=self.docks,
            add_dock=self.add_dock,
        )

    def _install_features(self) -> None:
        # Imported here, not at the top: they pull in pyqtgraph, and the frame is
        # shown before that is loaded.
        from sitrep_desktop.ui.drawing.feature import install_drawing
        from sitrep_desktop.ui.exchange.dialogs import install_exchange
        from sitrep_desktop.ui.logging.feature import install_logging
        from sitrep_desktop.ui.map.feature import install_map
        from sitrep_desktop.ui.measure.feature import install_measure
        from sitrep_desktop.ui.messages.feature import install_messages
        from sitrep_desktop.ui.snapshot.feature import install_snapshot
        from sitrep_desktop.ui.team.feature import install_team
        from sitrep_desktop.ui.team.merge_feature import install_merge
        from sitrep_desktop.ui.window.backups import install_backups

        if self.store is None:  # closed before the deferred install came round
            return
        ctx = self.context = self._context()
        # Adding a feature is a field of Features and one line here, in menu order.
        self.features = Features(
            export_snapshot=install_snapshot(ctx),
            exchange=install_exchange(ctx),
            # Backups act on the window's file itself (a restore reopens it).
            backups=install_backups(self),
            measure=install_measure(ctx),
            logging=install_logging(ctx),
            drawing=install_drawing(ctx),
            map=install_map(ctx),
            messages=install_messages(ctx),
            merge=install_merge(ctx),
            team=install_team(ctx),
        )
        # Features add docks: only now does the saved layout have all its parts.
        self._restore_layout()
        self.sigFeaturesInstalled.emit()

    def _connect_undo_actions(self) -> None:
        # Bound methods, not lambdas: PySide drops them when the window goes, so a
        # stack cleared during teardown never touches deleted actions.
        stack = self.undo_stack
        self.action_undo.setEnabled(stack.canUndo())
        self.action_redo.setEnabled(stack.canRedo())
        stack.canUndoChanged.connect(self.action_undo.setEnabled)
        stack.canRedoChanged.connect(self.action_redo.setEnabled)
        stack.undoTextChanged.connect(self._show_undo_text)
        stack.redoTextChanged.connect(self._show_redo_text)

    def _show_undo_text(self, text: str) -> None:
        self.action_undo.setText(f"&Undo {text}".strip())

    def _show_redo_text(self, text: str) -> None:
        self.action_redo.setText(f"&Redo {text}".strip())

    def add_dock(
        self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea
    ) -> QDockWidget:
        """Dock `widget` in `area` as `name`; its show/hide toggle goes in the View menu."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        if area in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea):
            # Narrow enough to give way to the map on a small screen (keep_map_share).
            widget.setMinimumWidth(DOCK_MIN_WIDTH)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        self.menu_view.addAction(dock.toggleViewAction())
        dock.visibilityChanged.connect(lambda _shown: self._fit_timer.start())
        return dock

    def _close_store(self) -> None:
        if self.store is None:
            return
        # Undo history belongs to the file being closed.
        self.undo_stack.clear()
        self.signals.detach()
        self.store.close()
        self.store = None

    def reopen(self, path: Path) -> None:
        """Open `path` again after the file was replaced underneath (restore from backup).

        The same Store object reconnects, so every pane and feature keeps it; they
        all hear a full-reload notice. The undo history no longer applies.
        """
        from sitrep_desktop.store import Store

        if self.store is not None and self.store.path == Path(path):
            self.undo_stack.clear()
            self.store.reconnect()
            self.selection.clear()
            return
        if self.store is None and self.db_path is None:
            self.open_store(Store.open(path), Path(path))
            return
        self.hand_over(Store.open(path), Path(path))

    def hand_over(self, store, path: Path) -> MainWindow:
        """Open another file in a fresh window that takes this one's place.

        Panes and features bind to one store when they are built; a new window
        binds them all to the new file from the start, so none is left behind
        on the old one.
        """
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        successor = MainWindow(self.settings)
        successor.open_store(store, path)
        successor.show()
        _OPEN_WINDOWS.append(successor)
        successor.destroyed.connect(lambda: _forget(successor))
        self.successor = successor
        self.sigHandedOver.emit(successor)
        self.close()
        return successor

    def show_cursor(self, lat: float, lon: float) -> None:
        self.cursor_label.setText(format_cursor(lat, lon))

    # -- file menu -----------------------------------------------------------------------
    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New database", "", "SitRep database (*.db)")
        if path:
            self.open_path(Path(path), create=True)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open database", "", "SitRep database (*.db *.sqlite);;All files (*)"
        )
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path, create: bool = False, *, defer_features: bool = False) -> bool:
        """Open a file, saying clearly why not if it cannot be opened."""
        from sitrep_desktop.domain.errors import SitRepError
        from sitrep_desktop.store import Store
        from sitrep_desktop.ui.window.damage_check import check_later

        if not create and not path.exists():
            QMessageBox.warning(self, APP_NAME, f"{path} does not exist.")
            return False
        try:
            store = Store.open(path, check_later=True)  # a big file: checked beside the map
            if create:
                store.categories.ensure_defaults()
        except SitRepError as exc:
            QMessageBox.critical(self, APP_NAME, str(exc))
            return False
        if self.store is None and not hasattr(self, "canvas"):
            self.open_store(store, path, defer_features=defer_features)
            self.damage_check = check_later(store, self)
        else:
            window = self.hand_over(store, path)
            window.damage_check = check_later(store, window)
        return True

    def _remember_recent(self, path: Path) -> None:
        recent = [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue("recent_files", [str(path), *recent][:MAX_RECENT])
        self._refresh_recent_menu()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _refresh_recent_menu(self) -> None:
        self.menu_recent.clear()
        for path in self.recent_files():
            action = self.menu_recent.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(Path(p)))
        self.menu_recent.setEnabled(bool(self.recent_files()))

    def show_shortcuts(self) -> QDialog:
        from sitrep_desktop.ui.window.shortcuts import KeyboardShortcutsDialog

        dialog = KeyboardShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.shortcuts_dialog = dialog
        return dialog

    def show_about(self) -> None:
        from sitrep_desktop import __version__
        from sitrep_desktop.paths import resource_path

        attribution = resource_path("ATTRIBUTION")
        credits = attribution.read_text(encoding="utf-8") if attribution.exists() else ""
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setText(
            f"<b>{APP_NAME} {__version__}</b><br>Offline situational awareness on one SQLite file."
        )
        box.setDetailedText(credits)
        box.setInformativeText("Map data: GSHHG, WDB-II, Natural Earth, GeoNames (see details).")
        box.open()
        self.about_box = box

    # -- layout -----------------------------------------------------------------------
    def _first_layout(self) -> None:
        """Sizes for a first start: a third of the width for the list and details,
        the list over a detail pane tall enough to read an event."""
        side = min(SIDE_WIDTH_MAX, int(self.width() * SIDE_SHARE))
        self.resizeDocks([self.docks["events"]], [side], Qt.Orientation.Horizontal)
        height = max(self.height() - 260, 300)
        self.resizeDocks(
            [self.docks["events"], self.docks["detail"]],
            [int(height * 0.55), int(height * 0.45)],
            Qt.Orientation.Vertical,
        )

    def keep_map_share(self) -> None:
        """Narrow the docks beside the map, in proportion, until it has MAP_SHARE
        of the width again (or they reach their minimum)."""
        central = self.centralWidget()
        if central is None or self.width() <= 0:
            return
        self.layout().activate()  # place a dock just shown before measuring the map
        if central.width() >= MAP_SHARE * self.width():
            return
        columns: dict[int, QDockWidget] = {}  # docks stacked in one column count once
        for dock in self.docks.values():
            area = self.dockWidgetArea(dock)
            beside = area in (
                Qt.DockWidgetArea.LeftDockWidgetArea,
                Qt.DockWidgetArea.RightDockWidgetArea,
            )
            # A tab behind another (Messages behind Details) is "visible" but not shown.
            shown = dock.isVisible() and not dock.visibleRegion().isEmpty()
            if beside and shown and not dock.isFloating():
                columns.setdefault(dock.x(), dock)
        side = list(columns.values())
        if not side:
            return
        widths = [dock.width() for dock in side]
        allowed = (1 - MAP_SHARE) * self.width() - 12  # the splitters' handles
        scale = min(1.0, allowed / max(sum(widths), 1))
        self.resizeDocks(side, [int(w * scale) for w in widths], Qt.Orientation.Horizontal)
        self.layout().activate()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.docks:
            self._fit_timer.start()

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        else:  # first start: size the panes again for the size the window now has
            QTimer.singleShot(0, self._first_layout)
        self._fit_timer.start()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self._close_store()
        super().closeEvent(event)


def format_cursor(lat: float, lon: float) -> str:
    """Decimal degrees, DMS and MGRS, as the status bar shows them."""
    from sitrep_desktop.geo.coords import format_dd, format_dms, format_mgrs

    mgrs = format_mgrs(lat, lon)
    parts = [format_dd(lat, lon), format_dms(lat, lon)]
    if mgrs:
        parts.append(f"MGRS {mgrs}")
    return "   ".join(parts)
