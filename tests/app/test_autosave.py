"""Background autosave and recovery after a crash."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from core.engine.network import Network
from core.io.network_file import save_network
from desktop_app import autosave
from desktop_app import files as files_module
from desktop_app.main_window import MainWindow


@pytest.fixture(autouse=True)
def never_block(monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")


def dead_pid() -> int:
    """The id of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_orphan(network: Network, original: str | None) -> None:
    folder = autosave.autosave_dir()
    folder.mkdir(parents=True, exist_ok=True)
    pid = dead_pid()
    save_network(network, folder / f"{pid}-1-1.json")
    (folder / f"{pid}-1-1.lock").write_text(json.dumps({"pid": pid, "path": original, "saved_at": 1.0}))


def test_crash_recovery_offers_and_restores_the_autosave(qtbot, host, tmp_path):
    crashed = Network([2, 5, 3, 2], ["relu", "sigmoid"], seed=7)
    write_orphan(crashed, str(tmp_path / "work.json"))
    offered = []
    window = MainWindow(host, ask_recover=lambda parent, orphan: offered.append(orphan) or True)
    qtbot.addWidget(window)
    assert len(offered) == 1
    network = window.document.network
    assert network.sizes == crashed.sizes and network.activations == crashed.activations
    assert all(np.array_equal(a, b) for a, b in zip(network.parameters(), crashed.parameters()))
    assert window.document.path == tmp_path / "work.json"
    assert window.isWindowModified()  # recovered work still has to be saved
    assert not list(autosave.autosave_dir().glob(f"{offered[0].pid}-*"))  # the orphan is consumed


def test_declined_recovery_keeps_a_new_network_and_asks_once(qtbot, host):
    write_orphan(Network([2, 3, 2]), None)
    window = MainWindow(host, ask_recover=lambda parent, orphan: False)
    qtbot.addWidget(window)
    assert window.document.network.sizes == [2, 4, 2]
    asked = []
    again = MainWindow(host, ask_recover=lambda parent, orphan: asked.append(orphan) or True)
    qtbot.addWidget(again)
    assert asked == []


def test_autosave_writes_while_modified_and_clean_close_removes_it(qtbot, host):
    window = MainWindow(host)
    qtbot.addWidget(window)
    saver = window.autosaver
    assert not saver.save_now()  # nothing unsaved, nothing written
    window.training.reset()
    assert saver.save_now()
    assert saver.network_file.exists() and saver.lock_file.exists()
    lock = json.loads(saver.lock_file.read_text())
    assert lock["pid"] > 0
    assert autosave.find_orphans() == []  # this process is alive: not an orphan
    window.close()
    assert not saver.network_file.exists() and not saver.lock_file.exists()


def test_edits_schedule_a_debounced_autosave(qtbot, host):
    window = MainWindow(host)
    qtbot.addWidget(window)
    window.autosaver.debounce.setInterval(10)
    window.training.reset()
    qtbot.waitUntil(lambda: window.autosaver.network_file.exists(), timeout=3000)


# -- issue 9, item 5: nothing the user did is lost ---------------------------------------------
def test_training_progress_is_autosaved_without_any_edit(qtbot, host, tmp_path):
    """Training moves the weights without an undo command until it pauses: a crash while
    it runs used to leave nothing to recover."""
    path = tmp_path / "net.json"
    save_network(Network([2, 8, 2], "tanh", seed=1), path)
    window = MainWindow(host)
    qtbot.addWidget(window)
    assert window.files.open_path(path, ask=False)
    panel = window.training
    panel.form.set_dataset("xor")
    panel.controls.play_button.click()
    qtbot.waitUntil(lambda: panel.history.n_epochs >= 3, timeout=20000)
    assert not window.document.is_modified  # nothing committed yet: the old hole
    qtbot.waitUntil(window.autosaver.save_now, timeout=5000)
    panel.pause()
    saved = json.loads(window.autosaver.network_file.read_text())["parameters"]["W1"]
    assert not np.allclose(saved, Network([2, 8, 2], "tanh", seed=1).W(1))  # trained weights
    window.document.undo_stack.setClean()


def test_every_orphan_is_offered_until_one_is_recovered_and_none_is_lost(qtbot, host):
    write_orphan(Network([2, 3, 2]), None)
    write_orphan(Network([2, 5, 2]), None)
    write_orphan(Network([2, 7, 2]), None)
    answers = iter([False, True])  # decline the first offered, recover the second
    offered = []
    window = MainWindow(host, ask_recover=lambda parent, orphan: offered.append(orphan) or next(answers))
    qtbot.addWidget(window)
    assert len(offered) == 2 and window.document.network.sizes in ([2, 3, 2], [2, 5, 2], [2, 7, 2])
    left = autosave.find_orphans()
    assert len(left) == 1  # the third: kept for the next start, not deleted
    window.document.undo_stack.setClean()
    again = []
    later = MainWindow(host, ask_recover=lambda parent, orphan: again.append(orphan) or False)
    qtbot.addWidget(later)
    assert [o.network_file for o in again] == [left[0].network_file]


def test_recovery_keeps_the_file_name_and_description(qtbot, host, tmp_path):
    path = tmp_path / "described.json"
    save_network(Network([2, 3, 2]), path, metadata={"name": "XOR demo", "description": "for class 3"})
    window = MainWindow(host)
    qtbot.addWidget(window)
    assert window.files.open_path(path, ask=False)
    window.training.reset()  # an edit, then a crash
    assert window.autosaver.save_now()
    lock = json.loads(window.autosaver.lock_file.read_text())
    lock["pid"] = dead_pid()
    window.autosaver.lock_file.write_text(json.dumps(lock))
    recovered = MainWindow(host, ask_recover=lambda parent, orphan: True)
    qtbot.addWidget(recovered)
    assert recovered.document.metadata == {"name": "XOR demo", "description": "for class 3"}
    recovered.files.save_to(tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text())["metadata"]["description"] == "for class 3"
    for w in (window, recovered):
        w.document.undo_stack.setClean()


def test_an_unwritable_autosave_folder_is_reported(qtbot, host, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    window = MainWindow(host, use_autosave=False)
    qtbot.addWidget(window)
    saver = autosave.Autosaver(lambda: window.document, window, folder=blocker / "autosave")
    reports: list[str] = []
    saver.failed.connect(reports.append)
    window.training.reset()
    assert not saver.save_now() and not saver.save_now()
    assert len(reports) == 1 and "a file" in reports[0]  # said once, naming the folder
    window.document.undo_stack.setClean()
