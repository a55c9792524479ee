"""Plugin code never freezes the window or ends the app (issue 9, item 4), driven as a user does."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.engine.network import Network
from core.plugin_host.host import PluginHost

ROOT = Path(__file__).resolve().parents[2]

# g works until the test flips MODE; then it never returns, exits, or returns a wrong shape
TRAP = """
import sys
import numpy as np
import pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
MODE = ["fine"]
CALLS = [0]

def g(a):
    CALLS[0] += 1
    while MODE[0] == "hang":  # spins until the test is over (a daemon thread left spinning
        pass                  # would hold the GIL in every later test of the session)
    if MODE[0] == "sleep":  # blocked in C: cannot be interrupted (long enough for the test, not forever)
        import time
        time.sleep(8)
    if MODE[0] == "exit":
        sys.exit(9)
    return np.tanh(a)

@hookimpl
def register_activations(register):
    register(name="trap", fn=g, derivative=lambda a: 1 - np.tanh(a) ** 2)
"""


@pytest.fixture
def trap(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "trapdoor.py").write_text(textwrap.dedent(TRAP))
    host = PluginHost(plugin_dir=folder, use_entry_points=False, disabled=(), time_limit=0.5).load()
    assert host.record("trapdoor").state == "loaded"
    module = sys.modules["backprop_studio_plugin_trapdoor"]
    yield host, module
    module.MODE[0] = "fine"


@pytest.fixture
def window(make_window):
    return lambda host, network: make_window(network, host=host)


def test_drawing_never_calls_a_plugin(qtbot, trap):
    """The palette icon and the plugin manager's plots come from values computed at load."""
    from desktop_app.palette import Palette
    from desktop_app.plugin_dialog import PluginDialog

    host, module = trap
    module.MODE[0] = "hang"  # any call from here on would never return
    calls = module.CALLS[0]
    palette = Palette(host.registry)
    qtbot.addWidget(palette)
    assert "activation:trap" in palette.item_ids()
    dialog = PluginDialog(host)
    qtbot.addWidget(dialog)
    assert dialog.select_activation("trap")
    x, y = dialog.activation_view.g_curve.getData()
    assert len(x) > 100 and abs(y[-1] - 0.9993) < 1e-3  # tanh(4), drawn from the load-time curve
    assert module.CALLS[0] == calls


def test_an_edit_whose_pass_hangs_flags_the_plugin_and_the_window_goes_on(qtbot, trap, window):
    host, module = trap
    win = window(host, Network([2, 3, 2], "trap"))
    assert win.document.trace is not None
    module.MODE[0] = "hang"
    start = time.perf_counter()
    win.document.network.set_bias(1, 0, 0.5)  # an edit: the example's pass runs again
    assert time.perf_counter() - start < 5
    assert win.document.trace is None and "trap" in win.document.trace_error
    assert "hangs" in win.document.trace_error
    assert host.registry.activations["trap"].problem is not None
    qtbot.waitUntil(lambda: "activation:trap" not in win.palette_widget.item_ids(), timeout=3000)
    calls = module.CALLS[0]
    win.document.network.set_bias(1, 0, 0.25)  # flagged: never called again
    assert module.CALLS[0] == calls and "flagged" in win.document.trace_error


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("mode", ["hang", "sleep"])
def test_stop_never_waits_on_a_plugin_that_hangs_during_play(qtbot, trap, window, mode):
    host, module = trap
    win = window(host, Network([2, 3, 2], "trap"))
    panel = win.training
    panel.form.set_dataset("xor")
    panel.controls.pace.setValue(panel.controls.pace.maximum())  # as fast as possible
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.history.n_steps > 3, timeout=10000)
    calls = module.CALLS[0]
    module.MODE[0] = mode
    qtbot.waitUntil(lambda: module.CALLS[0] > calls, timeout=5000)  # the worker is inside g now
    start = time.perf_counter()
    click(qtbot, panel.controls.stop_button)
    assert time.perf_counter() - start < 3
    assert not panel.is_training and panel.controls.play_button.text() == "Play"
    assert "trap" in panel.last_error and "hangs" in panel.last_error
    assert host.registry.activations["trap"].problem is not None


def test_sys_exit_in_g_during_play_stops_training_with_a_message(qtbot, trap, window):
    host, module = trap
    win = window(host, Network([2, 3, 2], "trap"))
    panel = win.training
    panel.form.set_dataset("xor")
    panel.controls.pace.setValue(panel.controls.pace.maximum())  # as fast as possible
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.history.n_steps > 3, timeout=10000)
    module.MODE[0] = "exit"
    qtbot.waitUntil(lambda: panel.last_error is not None, timeout=10000)
    assert "trap" in panel.last_error and "end the program" in panel.last_error
    assert not panel.is_training and panel.controls.play_button.text() == "Play"


def test_step_batch_with_a_plugin_that_hangs_returns(qtbot, trap, window):
    host, module = trap
    win = window(host, Network([2, 3, 2], "trap"))
    panel = win.training
    panel.form.set_dataset("xor")
    module.MODE[0] = "hang"
    start = time.perf_counter()
    click(qtbot, panel.controls.step_button)  # the step runs in the worker thread: the click returns at once
    assert time.perf_counter() - start < 1
    qtbot.waitUntil(lambda: panel.last_error is not None, timeout=5000)  # given up on after the time limit
    assert "trap" in panel.last_error and "hangs" in panel.last_error
    assert host.registry.activations["trap"].problem is not None


def test_quit_does_not_wait_for_plugin_code_that_never_returns(tmp_path):
    script = tmp_path / "quit.py"
    script.write_text(textwrap.dedent("""
        import threading, time
        from PySide6.QtWidgets import QApplication
        from core.plugin_host import guard
        from desktop_app.launch import leave

        app = QApplication([])
        thread = threading.Thread(target=time.sleep, args=(3600,))   # not a daemon: would block exit
        thread.start()
        guard.give_up_on(thread)
        raise SystemExit(leave(7))
    """))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, timeout=60,
                            capture_output=True, text=True)
    assert result.returncode == 7, result.stderr


def test_a_dead_display_gets_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":97"  # no X server there
    exe = Path(sys.executable).parent / "backprop-studio"
    result = subprocess.run([str(exe)], env=env, timeout=60, capture_output=True, text=True)
    assert result.returncode == 2 and "no display" in result.stderr
    assert "Reinstalling" not in result.stderr and "Aborted" not in result.stderr


def test_ctrl_c_quits_the_gui(tmp_path):
    import signal

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    exe = Path(sys.executable).parent / "backprop-studio"
    process = subprocess.Popen([str(exe), str(ROOT / "resources/examples/textbook.json")], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6)  # the window is up
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("Ctrl-C did not quit the app")
    assert process.returncode == 130 and "interrupted" in err


SLOW_DATA = """
import numpy as np
import pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")

def generate(n_samples, seed):
    if n_samples > 100:  # fine for the check at load (12 samples), stuck for the form's 200
        while True:
            pass
    return np.zeros((n_samples, 2)), np.arange(n_samples) % 2

@hookimpl
def register_datasets(register):
    register(name="stuck_data", generate=generate, n_inputs=2, n_classes=2)
"""


def test_a_dataset_plugin_that_hangs_does_not_freeze_the_window(qtbot, tmp_path, window, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDIO_PLUGIN_TIME_LIMIT", "0.5")
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "slowdata.py").write_text(textwrap.dedent(SLOW_DATA))
    host = PluginHost(plugin_dir=folder, use_entry_points=False, disabled=()).load()
    assert "stuck_data" in host.registry.usable("datasets")
    win = window(host, Network([2, 3, 2], "tanh"))
    panel = win.training
    start = time.perf_counter()
    panel.form.set_dataset("stuck_data")
    assert time.perf_counter() - start < 5
    assert "stuck_data" in panel.status.text() and "hangs" in panel.status.text()
    assert host.registry.datasets["stuck_data"].problem is not None
