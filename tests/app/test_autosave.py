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
