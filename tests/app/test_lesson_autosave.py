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

    crash(lessons.autosaver)
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


def crash(autosaver) -> None:
    """The process that wrote ``autosaver``'s files dies: its lock names a pid that is gone (and it writes no more)."""
    autosaver.debounce.stop()
    autosaver.debounce.blockSignals(True)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    lock = json.loads(autosaver.lock_file.read_text())
    lock["pid"] = child.pid
    autosaver.lock_file.write_text(json.dumps(lock))


def test_edits_in_the_editor_are_autosaved_and_saving_removes_them(qtbot, host, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    from core.io.resources import example_path

    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    window = make(qtbot, host)
    assert window.files.open_example(example_path("spiral-classifier"))  # a network with its training setup
    setup = window.document.setup
    lessons = window.lessons
    lessons.new_lesson()
    assert lessons.autosaver.lesson_file.exists() is False  # nothing written yet: nothing to lose
    qtbot.mouseClick(lessons.editor.add_button, Qt.MouseButton.LeftButton)
    lessons.editor.title.setFocus()
    lessons.editor.title.selectAll()
    qtbot.keyClicks(lessons.editor.title, "Spirals")
    qtbot.waitUntil(lessons.autosaver.lesson_file.exists, timeout=5000)  # shortly after the edits
    qtbot.waitUntil(lambda: json.loads(lessons.autosaver.lesson_file.read_text())["title"] == "Spirals",
                    timeout=5000)
    saved = json.loads(lessons.autosaver.lesson_file.read_text())
    assert len(saved["pages"]) == 1 and saved["network"]["setup"]["dataset"]["name"] == setup.dataset

    path = tmp_path / "spirals.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    qtbot.mouseClick(lessons.editor.save_button, Qt.MouseButton.LeftButton)
    assert path.is_file() and not lessons.autosaver.lesson_file.exists()  # saved: the autosave is gone

    # more writing, then the process dies: the next start offers it back under the lesson's own path
    lessons.edit_lesson("title", "Spirals, second draft")
    assert lessons.autosaver.save_now()
    crash(lessons.autosaver)
    crashed = lessons.autosaver.lesson_file
    lessons.autosaver = None
    offered = []
    monkeypatch.setattr(lesson_autosave, "ask_recover_lesson", lambda parent, orphan: offered.append(orphan) or True)
    again = make(qtbot, host)
    assert [o.original_path for o in offered] == [str(path)]
    assert again.lessons.lesson.title == "Spirals, second draft" and again.lessons.path == path
    assert again.lessons.lesson.network_extras["setup"] == setup  # the setup came back with the network
    assert not crashed.exists()


def test_a_declined_or_unreadable_lesson_autosave_is_dropped_and_the_app_stays_up(qtbot, host, textbook,
                                                                                 monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    network, extras = textbook
    window = make(qtbot, host, network, None, example_arrays(extras))
    window.lessons.new_lesson()
    window.lessons.add_page_from_view()
    assert window.lessons.autosaver.save_now()
    crash(window.lessons.autosaver)
    first = window.lessons.autosaver.lesson_file
    window.lessons.autosaver = None

    monkeypatch.setattr(lesson_autosave, "ask_recover_lesson", lambda parent, orphan: False)
    declined = make(qtbot, host)
    assert declined.lessons.lesson is None and not first.exists()  # declined: not offered again

    declined.lessons.new_lesson()
    declined.lessons.add_page_from_view()
    assert declined.lessons.autosaver.save_now()
    crash(declined.lessons.autosaver)
    declined.lessons.autosaver.lesson_file.write_text('{"format": "backprop-studio-lesson", "pages": <b>x')
    declined.lessons.autosaver = None
    warnings = []
    monkeypatch.setattr(lesson_autosave.plain_text, "warning", lambda parent, title, text: warnings.append(text))
    monkeypatch.setattr(lesson_autosave, "ask_recover_lesson", lambda parent, orphan: True)
    third = make(qtbot, host)
    assert len(warnings) == 1 and "could not be read" in warnings[0]
    assert third.lessons.lesson is None and third.isVisible()
    assert not list(lesson_autosave.lesson_autosave_dir().glob("*.json"))  # the broken one is not offered again
