"""Task layouts: Build, Step through and Train, each a set of docks arranged for the task.

Switched from the toolbar (or Ctrl+1 … 3) and remembered: leaving a layout keeps its
arrangement as the user left it (docks moved, resized, closed), coming back restores it,
and View ▸ Layout ▸ Reset Layout returns the current one to its default. The inspector
collapses (its dock hides) while nothing is selected and comes back with a selection,
unless the user closed it.

The settings hold plain data only, checked on the way in: the layout's name (one of
three strings), each layout's ``QMainWindow.saveState`` bytes, the window geometry bytes
and a bool for the inspector.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .settings import AppSettings

STATE_VERSION = 3  # bump when the docks change: older saved arrangements are then ignored
CURRENT_KEY = "layouts/current"
INSPECTOR_KEY = "layouts/inspector_wanted"
GEOMETRY_KEY = "window/geometry"


@dataclass(frozen=True)
class TaskLayout:
    """One task's arrangement.

    Attributes
    ----------
    name : str
        The key in the settings ("build", "step", "train").
    title : str
        The toolbar's word for it.
    docks : tuple of str
        The docks shown (the inspector besides: it follows the selection).
    tip : str
        What the layout is for.
    """

    name: str
    title: str
    docks: tuple[str, ...]
    tip: str


BUILD = TaskLayout("build", "Build", ("palette",),
                   "Build: the palette of layers and activations, the canvas, the inspector")
STEP = TaskLayout("step", "Step through", ("steps",),
                  "Step through: the canvas and a large formula panel with the numbers")
TRAIN = TaskLayout("train", "Train", ("training", "plots"),
                   "Train: the canvas, the training controls, the loss and gradient plots and the boundary")
LAYOUTS: dict[str, TaskLayout] = {layout.name: layout for layout in (BUILD, STEP, TRAIN)}


def _bytes(value) -> QByteArray | None:
    """``value`` if the settings gave back bytes, else None (a hand-edited or foreign value)."""
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


class LayoutController(QObject):
    """Applies, remembers and resets the task layouts of ``window``.

    Signals
    -------
    changed(str)
        Another layout is shown (its name).
    """

    changed = Signal(str)

    def __init__(self, window: MainWindow, settings: AppSettings, persistent: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.persistent = persistent  # False: start from the defaults and write nothing (tests, screenshots)
        self._states: dict[str, QByteArray] = {}  # each layout as left, this session
        self.current = BUILD.name
        self._applying = False
        self._unsized = False  # a default arrangement waits for the window's size
        wanted = settings.value(INSPECTOR_KEY, True) if persistent else True
        self.inspector_wanted = wanted if isinstance(wanted, bool) else str(wanted).lower() != "false"
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for number, layout in enumerate(LAYOUTS.values(), start=1):
            action = QAction(layout.title, self.group)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setStatusTip(layout.tip)
            action.setToolTip(f"{layout.tip} (Ctrl+{number})")
            action.triggered.connect(lambda checked=False, name=layout.name: self.switch(name))
            self.actions[layout.name] = action
        self.reset_action = QAction("&Reset Layout", self)
        self.reset_action.setStatusTip("Put the docks of this layout back where they were at first")
        self.reset_action.triggered.connect(lambda checked=False: self.reset())
        inspector = window.inspector_dock
        inspector.toggleViewAction().triggered.connect(self._inspector_toggled)
        inspector.installEventFilter(self)  # its close button
        window.view.selection_changed.connect(lambda selection: self.follow_selection())

    # -- the docks --------------------------------------------------------------------
    def docks(self) -> dict[str, object]:
        w = self.window
        return {"palette": w.palette_dock, "inspector": w.inspector_dock, "training": w.training_dock,
                "plots": w.plots_dock, "steps": w.steps_dock}

    def selected(self) -> bool:
        return self.window.view.scene_.selection is not None

    def follow_selection(self) -> None:
        """The inspector collapses while nothing is selected, and comes back with a selection."""
        if self._applying:
            return
        dock = self.window.inspector_dock
        show = self.inspector_wanted and self.selected()
        if dock.isVisible() != show:
            dock.setVisible(show)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window.inspector_dock and event.type() == QEvent.Type.Close:
            self._inspector_toggled(False)
        return False

    def _inspector_toggled(self, checked: bool) -> None:
        """The user closed or opened the inspector (View menu, its close button): respect it."""
        self.inspector_wanted = checked
        if self.persistent:
            self.settings.setValue(INSPECTOR_KEY, checked)

    # -- switching ---------------------------------------------------------------------
    def switch(self, name: str) -> None:
        """Show layout ``name``: as the user left it last time, else its default."""
        if name not in LAYOUTS:
            return
        if name != self.current:
            self.remember()
        self.current = name
        saved = self._states.get(name)
        if saved is None and self.persistent:
            saved = _bytes(self.settings.value(self._state_key(name)))
        if saved is None or not self._restore(saved):
            self.arrange_default()
        self._finish()

    def reset(self) -> None:
        """The current layout's default arrangement (its remembered one is forgotten)."""
        self._states.pop(self.current, None)
        if self.persistent:
            self.settings.remove(self._state_key(self.current))
        self.arrange_default()
        self._finish()

    def remember(self) -> None:
        """Keep the current layout's arrangement (on leaving it, and on closing the window)."""
        if self.current not in LAYOUTS:
            return
        state = self._states[self.current] = self.window.saveState(STATE_VERSION)
        if self.persistent:
            self.settings.setValue(self._state_key(self.current), state)
            self.settings.setValue(CURRENT_KEY, self.current)

    def restore_saved(self) -> None:
        """At start-up: the window's size and the layout in use when it was closed."""
        geometry = _bytes(self.settings.value(GEOMETRY_KEY))
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        name = self.settings.value(CURRENT_KEY, BUILD.name)
        self.current = ""  # nothing to remember yet
        self.switch(name if isinstance(name, str) and name in LAYOUTS else BUILD.name)

    def save(self) -> None:
        """On closing: the geometry and the current arrangement."""
        self.remember()
        if self.persistent:
            self.settings.setValue(GEOMETRY_KEY, self.window.saveGeometry())
            self.settings.sync()

    def _state_key(self, name: str) -> str:
        return f"layouts/{name}/state"

    def _restore(self, state: QByteArray) -> bool:
        self._applying = True
        try:
            return self.window.restoreState(state, STATE_VERSION)
        finally:
            self._applying = False

    def _finish(self) -> None:
        from .focus import name_controls

        self.actions[self.current].setChecked(True)
        name_controls(self.window)  # a tab bar Qt made for docks that now share a place
        self.follow_selection()
        self.window.view.schedule_fit()
        self.changed.emit(self.current)

    # -- the default arrangements --------------------------------------------------------
    def arrange_default(self) -> None:
        """Place and size the docks of the current layout as they are at first."""
        self._applying = True
        try:
            self._place()
        finally:
            self._applying = False
        self.window.view.schedule_fit()
        self._unsized = not self.window.isVisible()
        self._size()
        QTimer.singleShot(0, self._size)  # sizes only take once the window has its size

    def window_shown(self) -> None:
        """The window is on screen: dock sizes of a default arrangement can take now."""
        if self._unsized:
            self._unsized = False
            self._size()
            QTimer.singleShot(0, self._size)

    def _place(self) -> None:
        w, Area = self.window, Qt.DockWidgetArea
        layout = LAYOUTS[self.current]
        w.addDockWidget(Area.LeftDockWidgetArea, w.palette_dock)
        w.addDockWidget(Area.RightDockWidgetArea, w.inspector_dock)
        w.addDockWidget(Area.BottomDockWidgetArea, w.steps_dock)
        # training: the controls down the left side (the whole height: the form is tall), the
        # plots under the canvas; the left area keeps the bottom-left corner
        w.setCorner(Qt.Corner.BottomLeftCorner, Area.LeftDockWidgetArea)
        w.addDockWidget(Area.LeftDockWidgetArea, w.training_dock)
        w.addDockWidget(Area.BottomDockWidgetArea, w.plots_dock)
        for name, dock in self.docks().items():
            dock.setFloating(False)
            if name != "inspector":
                dock.setVisible(name in layout.docks)
        w.inspector_dock.setVisible(self.inspector_wanted and self.selected())
        w.menuBar().setVisible(True)
        self.window.actions_.toolbar.setVisible(True)

    def _size(self) -> None:
        w = self.window
        width, height = w.width(), w.height()
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        w.resizeDocks([w.palette_dock], [max(170, min(220, width // 7))], horizontal)
        w.resizeDocks([w.inspector_dock], [max(240, min(320, width // 4))], horizontal)
        if self.current == STEP.name:  # the formula and its numbers: large, the full width
            w.resizeDocks([w.steps_dock], [max(240, int(height * 0.42))], vertical)
        elif self.current == TRAIN.name:  # the controls as narrow as they go, the plots the rest
            controls = max(w.training_dock.minimumSizeHint().width(), min(470, width * 2 // 5))
            w.resizeDocks([w.training_dock], [controls], horizontal)
            w.resizeDocks([w.plots_dock], [max(w.plots_dock.minimumSizeHint().height(), height * 45 // 100)],
                          vertical)
