"""Focus order and accessible names for the main window.

Tab moves in reading order whatever was created when: the docks on the left, the canvas,
the docks on the right, then the docks at the bottom from left to right; inside each, the
order its widgets were made in. Controls that nobody named get a name from what a sighted
user reads for them (a plot's title, their dock's title, their tooltip).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QGraphicsView,
    QLineEdit,
    QMainWindow,
    QTabBar,
    QTextEdit,
    QWidget,
)

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QAbstractSlider, QLineEdit, QAbstractItemView,
            QGraphicsView, QTextEdit, QTabBar)
AREA_ORDER = {Qt.DockWidgetArea.LeftDockWidgetArea: 0, Qt.DockWidgetArea.TopDockWidgetArea: 1,
              Qt.DockWidgetArea.RightDockWidgetArea: 3, Qt.DockWidgetArea.BottomDockWidgetArea: 4}
CENTRE = 2


def takes_tab(widget: QWidget, window: QWidget) -> bool:
    """Whether Tab can stop at ``widget`` now (shown, enabled, accepting Tab focus, no proxy)."""
    return (widget.isVisibleTo(window) and widget.isEnabled() and widget.focusProxy() is None
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and not empty(widget))


def empty(widget: QWidget) -> bool:
    """A control with nothing in it: no area, or a tab bar without tabs (Qt leaves one behind
    where docks were tabbed together)."""
    return widget.width() == 0 or widget.height() == 0 or (isinstance(widget, QTabBar) and widget.count() == 0)


def regions(window: QMainWindow) -> list[QWidget]:
    """The docks and the central widget in reading order (left, centre, right, bottom)."""
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()]
    keyed = [((AREA_ORDER.get(window.dockWidgetArea(d), 5), d.x(), d.y()), d) for d in docks]
    keyed.append(((CENTRE, 0, 0), window.centralWidget()))
    return [widget for _, widget in sorted(keyed, key=lambda pair: pair[0])]


def tab_sequence(window: QMainWindow) -> list[QWidget]:
    """Every widget Tab stops at, in the order Tab visits them."""
    chain, widget = [], window.nextInFocusChain()
    while widget is not window and widget is not None and len(chain) < 5000:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    sequence = []
    for region in regions(window):
        sequence += [w for w in chain if (w is region or region.isAncestorOf(w)) and takes_tab(w, window)]
    return sequence


def next_focus(window: QMainWindow, current: QWidget | None, forward: bool) -> QWidget | None:
    """Where Tab (``forward``) or Shift+Tab goes from ``current``; None if it is not ours to say."""
    sequence = tab_sequence(window)
    if not sequence:
        return None
    at = current
    while at is not None and at not in sequence:
        at = at.parentWidget()
    if at is None:
        return sequence[0 if forward else -1]
    index = sequence.index(at)
    return sequence[(index + (1 if forward else -1)) % len(sequence)]


# -- accessible names ----------------------------------------------------------------------
def accessible_name(widget: QWidget) -> str:
    """What a screen reader calls ``widget``."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def _dock_title(widget: QWidget) -> str:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent.windowTitle() if parent is not None else ""


def _plot_title(widget: QWidget) -> str:
    item = getattr(widget, "getPlotItem", None)
    if item is None:
        return ""
    title = getattr(item(), "titleLabel", None)
    return title.text if title is not None and isinstance(getattr(title, "text", None), str) else ""


def name_controls(root: QWidget) -> list[QWidget]:
    """Name every control under ``root`` that has no accessible name from what the user reads
    for it; returns those still without one."""
    unnamed = []
    for widget in root.findChildren(QWidget):
        if (not isinstance(widget, CONTROLS) or widget.objectName().startswith("qt_") or empty(widget)
                or accessible_name(widget)):
            continue
        plot = _plot_title(widget)
        name = (f"{plot} plot" if plot else "") or widget.toolTip().split("\n")[0].split(" (")[0]
        if not name and isinstance(widget, QAbstractItemView):
            name = _dock_title(widget)
        if not name and isinstance(widget, QTabBar):  # docks sharing a place
            name = "Tabs: " + ", ".join(widget.tabText(i) for i in range(widget.count()))
        if name:
            widget.setAccessibleName(name)
        else:
            unnamed.append(widget)
    return unnamed
