"""A lesson being written survives a crash: it is autosaved after edits and offered back."""
from __future__ import annotations

import json
import subprocess
import sys

from core.io.network_file import example_arrays
from desktop_app import files as files_module
from desktop_app.lesson import autosave as lesson_autosave
from desktop_app.main_window import MainWindow


def make(qtbot, host, *args) -> MainWindow:
    window = MainWindow(host, *args, use_autosave=True, restore_layout=False, ask_recover=lambda *a: False)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_crash_while_writing_a_lesson_loses_nothing(qtbot, host, textbook, monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    monkeypatch.setattr(lesson_autosave, "ask_recover_lesson", lambda parent, orphan: False)
    network, extras = textbook
    window = make(qtbot, host, network, None, example_arrays(extras))
    lessons = window.lessons
    lessons.new_lesson()
    window.steps_dock.show()
    window.steps.seek_quantity("grad_h2")
    lessons.add_page_from_view()
    lessons.edit_lesson("title", "Written before the crash")
    assert lessons.autosaver.save_now()
    saved = json.loads(lessons.autosaver.lesson_file.read_text())
    assert saved["title"] == "Written before the crash" and saved["pages"][0]["state"]["step"] == "grad_h2"

    # the process dies: its lock names a pid that is gone
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    lock = json.loads(lessons.autosaver.lock_file.read_text())
    lock["pid"] = child.pid
    lessons.autosaver.lock_file.write_text(json.dumps(lock))
    crashed = lessons.autosaver.lesson_file
    lessons.autosaver = None  # nothing of the dead process cleans up

    asked = []
    monkeypatch.setattr(lesson_autosave, "ask_recover_lesson", lambda parent, orphan: asked.append(orphan) or True)
    again = make(qtbot, host)  # the next start offers it
    assert len(asked) == 1 and again.lessons.lesson.title == "Written before the crash"
    assert again.lessons.mode == "author" and again.lessons.editor_dock.isVisible()
    assert [p.state.step for p in again.lessons.lesson.pages] == ["grad_h2"]
    assert not again.lessons.stack.isClean()  # recovered work is unsaved until saved
    assert not crashed.exists()  # the orphan was taken

    # a clean close of the lesson removes its autosave
    again.lessons.edit_lesson("title", "Changed")
    assert again.lessons.autosaver.save_now() and again.lessons.autosaver.lesson_file.exists()
    again.lessons.close_lesson(ask=False)
    assert not again.lessons.autosaver.lesson_file.exists()
