"""The Help menu's windows: Keyboard Shortcuts (generated from the actions), The Math
(docs/math.md rendered in the app) and the About text (version and plugins).

Every row of the shortcuts table comes from where the key is defined: the menus' and the
toolbar's actions, the canvas's actions, the buttons that carry a shortcut (the step
player's), and the two small key tables of the canvas and the presentation mode.
"""
from __future__ import annotations

import html
import importlib.metadata
import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .canvas.layer_actions import NAVIGATION_KEYS
from .presentation import STEP_KEYS, TRAIN_KEYS

if TYPE_CHECKING:
    from .main_window import MainWindow

CHECKOUT_MATH = Path(__file__).resolve().parents[1] / "docs" / "math.md"


# -- keyboard shortcuts ------------------------------------------------------------------
def _keys(action: QAction) -> str:
    return ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _menu_rows(menu: QMenu, where: str, seen: set) -> list[tuple[str, str, str]]:
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), f"{where} ▸ {_clean(action.text())}", seen)
        elif action.shortcuts() and action not in seen:
            seen.add(action)
            rows.append((_keys(action), _clean(action.text()), where))
    return rows


def shortcut_rows(window: MainWindow) -> list[tuple[str, str, str]]:
    """(keys, what, where) for every shortcut of the window, as the actions define them."""
    seen: set = set()
    rows: list[tuple[str, str, str]] = []
    for top in window.menuBar().actions():
        if top.menu() is not None:
            rows += _menu_rows(top.menu(), _clean(top.text()), seen)
    for action in window.actions_.toolbar.actions():
        if action.shortcuts() and action not in seen:
            seen.add(action)
            rows.append((_keys(action), _clean(action.text()), "Toolbar"))
    for action in window.view.actions():
        if action.shortcuts() and action not in seen:
            seen.add(action)
            rows.append((_keys(action), _clean(action.text()), "Canvas (the selected layer)"))
    for button in window.findChildren(QAbstractButton):
        key = button.shortcut()
        if not key.isEmpty():
            text = button.text() or button.toolTip()
            panel = button.window().windowTitle() if button.window() is not window else _dock_of(button)
            rows.append((key.toString(QKeySequence.SequenceFormat.NativeText), _clean(text), panel))
    rows += [(keys, what, "Canvas") for keys, what in NAVIGATION_KEYS]
    rows += [(keys, what, "Presentation mode (F5)") for keys, what in STEP_KEYS]
    rows += [(keys, what, "Presentation mode while training") for keys, what in TRAIN_KEYS]
    return rows


def _dock_of(widget: QWidget) -> str:
    from PySide6.QtWidgets import QDockWidget

    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return f"{parent.windowTitle()} panel" if parent is not None else "Window"


class ShortcutsDialog(QDialog):
    """Help ▸ Keyboard Shortcuts: every key, what it does and where, with a filter."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        self.rows = shortcut_rows(window)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter: a key or a word")
        self.filter.setAccessibleName("Filter the shortcuts")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.table = QTableWidget(len(self.rows), 3, self)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does", "Where"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, values in enumerate(self.rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))  # items are plain text
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def _filter(self, text: str) -> None:
        text = text.strip().lower()
        for row, values in enumerate(self.rows):
            self.table.setRowHidden(row, bool(text) and not any(text in value.lower() for value in values))

    def visible_rows(self) -> list[tuple[str, str, str]]:
        return [values for row, values in enumerate(self.rows) if not self.table.isRowHidden(row)]


# -- the mathematics ---------------------------------------------------------------------
def math_path() -> Path:
    """docs/math.md: packaged as core/resources/docs/math.md in a wheel, else the checkout's."""
    try:
        packaged = importlib.resources.files("core.resources") / "docs" / "math.md"
        if packaged.is_file():
            return Path(str(packaged))
    except ModuleNotFoundError:
        pass
    return CHECKOUT_MATH


class MathDialog(QDialog):
    """Help ▸ The Math: the project's docs/math.md — notation, step order, the worked example."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The Math")
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("The mathematics of the app")
        self.browser.setOpenExternalLinks(True)
        path = math_path()
        try:
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        except OSError as exc:
            self.browser.setPlainText(f"docs/math.md could not be read ({exc}).")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(820, 680)

    def text(self) -> str:
        return self.browser.toPlainText()


# -- about ---------------------------------------------------------------------------------
def version() -> str:
    """The installed version of backprop-studio ("unknown" outside an installation)."""
    try:
        return importlib.metadata.version("backprop-studio")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def about_html(host) -> str:
    """The About box: what the app is, its version, and how many plugins give what."""
    records = host.records
    loaded = [r for r in records if r.state not in ("failed", "disabled")]
    failed = [r for r in records if r.state == "failed"]
    registry = host.registry
    counts = ", ".join(f"{len(registry.usable(kind))} {kind}"
                       for kind in ("activations", "losses", "optimizers", "datasets"))
    problems = f" ({len(failed)} failed to load: Plugins ▸ Manage Plugins… says why)" if failed else ""
    return (f"<h3>Backprop Studio {html.escape(version())}</h3>"
            "<p>Build a neural network by drag-and-drop, watch the forward pass and backpropagation "
            "with the real numbers, and train it with live plots.</p>"
            f"<p>{len(loaded)} plugin{'s' if len(loaded) != 1 else ''} loaded{html.escape(problems)}: "
            f"{counts}.</p>")
