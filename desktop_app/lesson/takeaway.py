"""Taking a lesson (or the step-through) away: the PDF handout, a GIF or PNG slides, the NumPy
script; from the Lesson menu and from `backprop-studio export FILE --pdf OUT | --gif OUT | --png OUT`.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from core.export.script import write_script
from core.export.sources import ExportError
from core.lesson.session import LessonSession

from .. import plain_text
from . import frames, handout, view_state

if TYPE_CHECKING:
    from ..main_window import MainWindow


def _views(window: MainWindow):
    lesson = window.lessons.lesson
    return frames.lesson_views(window, lesson) if lesson is not None else frames.step_views(window)


def _title(window: MainWindow) -> str:
    lesson = window.lessons.lesson
    if lesson is not None:
        return lesson.title
    path = window.document.path
    return f"{path.stem if path else 'The network'}: forward and backward, step by step"


def export_handout(window: MainWindow, path: str | Path) -> Path:
    """The open lesson's handout, or the step-through's when no lesson is open."""
    lesson = window.lessons.lesson
    with _restored(window):
        if lesson is not None:
            session = LessonSession(lesson, window.host.registry, remember=False)
            return handout.write_lesson_handout(frames.lesson_views(window, lesson), lesson, session, path)
        return handout.write_steps_handout(frames.step_views(window), _title(window), path)


def export_slides(window: MainWindow, path: str | Path) -> list[Path]:
    """An animated GIF when ``path`` ends in .gif, else numbered PNG slides."""
    with _restored(window):
        if str(path).lower().endswith(".gif"):
            return [frames.write_gif(_views(window), path)]
        return frames.write_png_series(_views(window), path)


class _restored:
    """Afterwards, the window as it was: the step, or the learner's page."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def __enter__(self) -> None:
        player = self.window.steps.player
        self.position = player.position if player is not None else 0
        self.docks = {name: dock.isVisible() for name, dock in view_state.panel_docks(self.window).items()}

    def __exit__(self, *exc) -> None:
        lessons = self.window.lessons
        if lessons.lesson is not None and lessons.session is not None and lessons.mode in ("student", "preview"):
            lessons.enter_page(lessons.session.index)
            return
        for name, dock in view_state.panel_docks(self.window).items():
            dock.setVisible(self.docks[name])
        if self.window.steps.player is not None:
            self.window.steps.seek(self.position)


# -- from the Lesson menu ---------------------------------------------------------------------
def _ask_path(window: MainWindow, title: str, suggested: str, filters: str) -> str:
    return QFileDialog.getSaveFileName(window, title, suggested, filters)[0]


def _stem(window: MainWindow) -> str:
    lesson = window.lessons.lesson
    if lesson is not None:
        return lesson.title.replace("/", "-")[:60] or "lesson"
    return window.document.path.stem if window.document.path else "network"


def _run(window: MainWindow, what: str, action) -> bool:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        written = action()
    except (ExportError, OSError, ValueError) as exc:
        QApplication.restoreOverrideCursor()
        plain_text.critical(window, f"Cannot export the {what}", str(exc))
        return False
    QApplication.restoreOverrideCursor()
    shown = written[0] if isinstance(written, list) and len(written) == 1 else written
    count = f"{len(written)} files, from {written[0].name}" if isinstance(written, list) and len(written) > 1 \
        else Path(shown).name
    window.statusBar().showMessage(f"Exported the {what}: {count}", 8000)
    return True


def handout_dialog(window: MainWindow) -> bool:
    path = _ask_path(window, "Export a PDF handout", f"{_stem(window)}.pdf", "PDF (*.pdf)")
    if not path:
        return False
    path = path if path.lower().endswith(".pdf") else path + ".pdf"
    return _run(window, "handout", lambda: export_handout(window, path))


def slides_dialog(window: MainWindow) -> bool:
    path = _ask_path(window, "Export slides", f"{_stem(window)}.gif",
                     "Animated GIF (*.gif);;PNG series (*.png)")
    if not path:
        return False
    if not path.lower().endswith((".gif", ".png")):
        path += ".gif"
    return _run(window, "slides", lambda: export_slides(window, path))


def script_dialog(window: MainWindow) -> bool:
    path = _ask_path(window, "Export a standalone NumPy script", f"{_stem(window).replace(' ', '_')}.py",
                     "Python script (*.py)")
    if not path:
        return False
    path = path if path.endswith(".py") else path + ".py"
    lesson = window.lessons.lesson
    network = lesson.network if lesson is not None else window.document.network
    extras = lesson.network_extras if lesson is not None else view_state.document_extras(window)
    return _run(window, "script", lambda: write_script(network, window.host.registry, path, extras=extras,
                                                       title=_stem(window)))


# -- from the command line --------------------------------------------------------------------
def run_export(args: argparse.Namespace) -> int:
    """`export FILE --pdf/--gif/--png`: the window built offscreen, FILE opened, the views written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from core.lesson.lesson_file import load_network_or_lesson
    from core.lesson.model import Lesson
    from core.plugin_host.host import PluginHost

    from ..launch import application
    from ..main_window import MainWindow

    loaded = load_network_or_lesson(args.file)
    app = application()
    host = PluginHost(safe_mode=True if getattr(args, "safe_mode", False) else None).load()
    window = MainWindow(host, use_autosave=False, restore_layout=False)
    window.resize(1280, 900)
    window.show()
    app.processEvents()
    try:
        if isinstance(loaded, Lesson):
            window.lessons.open_lesson(loaded, None, edit=True)
        else:
            from core.io.network_file import example_arrays

            network, extras = loaded
            window.replace_document(network, Path(args.file), example_arrays(extras), setup=extras.get("setup"))
            if window.document.trace_error:
                raise ExportError(window.document.trace_error)
        for option, write in (("pdf", export_handout), ("gif", export_slides), ("png", export_slides)):
            out = getattr(args, option, None)
            if out:
                written = write(window, out)
                names = written if isinstance(written, list) else [written]
                print(f"wrote {names[0]}" + (f" … {names[-1].name} ({len(names)} files)" if len(names) > 1 else ""))
    finally:
        window.document.undo_stack.setClean()
        window.lessons.stack.setClean()
        window.close()
    return 0
