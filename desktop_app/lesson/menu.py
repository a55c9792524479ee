"""The Lesson menu (and the lesson entries of the Help menu)."""
from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from . import takeaway

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from .controller import LessonController


def _action(window: MainWindow, text: str, slot, shortcut: str = "", tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda checked=False: slot())
    return action


def _menu_named(window: MainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and action.menu() is not None:
            return action.menu()
    return None


def build_lesson_menu(window: MainWindow, lessons: LessonController) -> SimpleNamespace:
    """Add the Lesson menu before Help, and "Backpropagation by hand" to Help; returns the actions."""
    a = SimpleNamespace()
    a.builtin = _action(window, "Follow “Backpropagation by hand”", lessons.open_builtin,
                        tip="The built-in lesson on the worked example of the notes")
    a.open = _action(window, "&Open Lesson…", lessons.open_dialog, tip="Follow a lesson file")
    a.new = _action(window, "&New Lesson", lessons.new_lesson,
                    tip="Prepare a lesson about the network on the canvas")
    a.edit = _action(window, "&Edit This Lesson", lessons.edit, tip="Change the pages of the lesson")
    a.add_page = _action(window, "&Add Page from the Current View", lessons.add_page_from_view, "Ctrl+Shift+A",
                         "A new lesson page showing the step, the selection and the panels shown now")
    a.use_network = _action(window, "Use the Current &Network for the Lesson", lessons.use_current_network,
                            tip="The network on the canvas becomes the lesson's (every page must still fit)")
    a.preview = _action(window, "&Preview as Student", lessons.preview, tip="The lesson as a learner sees it")
    a.save = _action(window, "&Save Lesson", lessons.save)
    a.save_as = _action(window, "Save Lesson &As…", lessons.save_as)
    a.summary = _action(window, "S&ummary…", lessons.show_summary, tip="Your answers, to save and hand in")
    a.close = _action(window, "&Close Lesson", lessons.close_lesson)
    a.handout = _action(window, "Export &Handout (PDF)…", lambda: takeaway.handout_dialog(window),
                        tip="The lesson, or the step-through, as a PDF: a page per page or per step")
    a.slides = _action(window, "Export Sl&ides (GIF or PNG)…", lambda: takeaway.slides_dialog(window),
                       tip="An animated GIF or numbered PNG slides, one per page or per step")
    a.script = _action(window, "Export NumPy S&cript…", lambda: takeaway.script_dialog(window),
                       tip="The network as a Python script that needs only NumPy")
    menu = QMenu("&Lesson", window)
    menu.addActions([a.builtin, a.open])
    menu.addSeparator()
    menu.addActions([a.new, a.edit, a.add_page, a.use_network, a.preview])
    menu.addSeparator()
    menu.addActions([a.save, a.save_as])
    menu.addSeparator()
    menu.addActions([a.handout, a.slides, a.script])
    menu.addSeparator()
    menu.addActions([a.summary, a.close])
    help_menu = _menu_named(window, "Help")
    window.menuBar().insertMenu(help_menu.menuAction() if help_menu else None, menu)
    if help_menu is not None:
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertAction(first, a.builtin)
        if first is not None:
            help_menu.insertSeparator(first)
    a.menu = menu

    def update() -> None:
        has = lessons.lesson is not None
        authoring = lessons.mode in ("author", "preview")
        for action in (a.add_page, a.use_network, a.preview, a.save, a.save_as):
            action.setEnabled(authoring)
        a.add_page.setEnabled(True)  # without a lesson, it starts one
        a.edit.setEnabled(has and lessons.mode != "author")
        a.summary.setEnabled(lessons.session is not None and lessons.mode in ("student", "preview"))
        a.close.setEnabled(has)

    lessons.lesson_changed.connect(update)
    update()
    return a
