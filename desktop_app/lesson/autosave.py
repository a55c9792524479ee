"""A lesson being written is autosaved, and offered back after a crash.

Like the network's autosave (desktop_app.autosave, whose orphan search it shares): while a
lesson has unsaved edits, ``<state>/lesson-autosave/<session>.json`` (the lesson file) and
``<session>.lock`` (pid, the lesson's own path) are written shortly after each edit; saving
or closing the lesson removes them; a lock whose process is gone is offered at the next start.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from core.io.atomic import write_atomic
from core.io.network_file import dumps
from core.lesson.fields import LessonFormatError
from core.lesson.lesson_file import lesson_to_dict, load_lesson

from .. import plain_text
from ..autosave import Orphan, autosave_dir, find_orphans

if TYPE_CHECKING:
    from .controller import LessonController

DEBOUNCE_MS = 2_000


def lesson_autosave_dir() -> Path:
    return autosave_dir().parent / "lesson-autosave"


def ask_recover_lesson(parent: QWidget | None, orphan: Orphan) -> bool:
    """Ask whether to recover ``orphan`` (module level, so tests can answer it)."""
    name = Path(orphan.original_path).name if orphan.original_path else "an unsaved lesson"
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.saved_at))
    answer = plain_text.question(parent, "Recover the lesson you were writing?",
                                 f"Backprop Studio did not close cleanly while you were writing {name}. "
                                 f"An autosave from {when} exists.\n\nRecover it?")
    return answer == QMessageBox.StandardButton.Yes


class LessonAutosaver(QObject):
    """Writes the controller's lesson shortly after each edit while it has unsaved edits."""

    def __init__(self, controller: LessonController, folder: Path | None = None) -> None:
        super().__init__(controller)
        self.controller = controller
        self.folder = folder or lesson_autosave_dir()
        session = f"{os.getpid()}-{int(time.time() * 1000)}"
        self.lesson_file = self.folder / f"{session}.json"
        self.lock_file = self.folder / f"{session}.lock"
        self.debounce = QTimer(self, interval=DEBOUNCE_MS, singleShot=True)
        self.debounce.timeout.connect(self.save_now)
        controller.stack.indexChanged.connect(lambda *_: self.debounce.start())
        controller.stack.cleanChanged.connect(lambda clean: self.remove() if clean else None)

    def save_now(self) -> bool:
        controller = self.controller
        lesson = controller.lesson
        if lesson is None or controller.mode not in ("author", "preview") or controller.stack.isClean():
            self.remove()
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.lesson_file, dumps(lesson_to_dict(lesson)))
            info = {"pid": os.getpid(), "path": str(controller.path) if controller.path else None,
                    "saved_at": time.time()}
            self.lock_file.write_text(json.dumps(info), encoding="utf-8")
        except (OSError, ValueError) as exc:  # the network autosave reports a folder it cannot write
            controller.window.statusBar().showMessage(f"The lesson could not be autosaved: {exc}", 8000)
            return False
        return True

    def remove(self) -> None:
        self.debounce.stop()
        self.lesson_file.unlink(missing_ok=True)
        self.lock_file.unlink(missing_ok=True)


def offer_recovery(controller: LessonController, ask: Callable | None = None) -> bool:
    """Offer the newest lesson autosave left by a crash; True if it was recovered (into the editor)."""
    ask = ask or ask_recover_lesson
    orphans = find_orphans(lesson_autosave_dir())
    if not orphans:
        return False
    recovered = False
    if ask(controller.window, orphans[0]):
        try:
            lesson = load_lesson(orphans[0].network_file)
        except LessonFormatError as exc:
            plain_text.warning(controller.window, "Cannot recover the lesson",
                               f"The autosave could not be read:\n\n{exc}")
        else:
            original = orphans[0].original_path
            controller.open_lesson(lesson, Path(original) if original else None, edit=True)
            controller.stack.resetClean()  # recovered work is unsaved until saved
            controller.lesson_changed.emit()
            recovered = True
    for orphan in orphans:
        orphan.discard()
    return recovered
