"""The plugin manager dialog: failures with tracebacks, enable/disable, install, activation view."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from core.plugin_host import settings as plugin_settings
from core.plugin_host.host import PluginHost, user_plugin_dir
from desktop_app.plugin_dialog import PluginDialog, failure_summary
from desktop_app.plugin_install import ProcessRunner

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plugins" / "backprop-swish"

SOFTSIGN = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="softsign", fn=lambda a: a / (1 + np.abs(a)),
             derivative=lambda a: 1 / (1 + np.abs(a)) ** 2, formula=r"g(a) = \\frac{a}{1 + |a|}")
"""
LYING = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="lying_tanh", fn=np.tanh, derivative=lambda a: np.ones_like(a))
"""


@pytest.fixture
def plugin_dir():
    folder = user_plugin_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken_plugin.py").write_text("raise RuntimeError('boom at import')\n")
    (folder / "softsign.py").write_text(textwrap.dedent(SOFTSIGN))
    (folder / "lying.py").write_text(textwrap.dedent(LYING))
    return folder


def make_dialog(qtbot, *, entry_points: bool = False, **kwargs) -> PluginDialog:
    host = PluginHost(use_entry_points=entry_points).load()
    dialog = PluginDialog(host, **kwargs)
    # what the main window does: reload the plugins and hand the new host back
    dialog.plugins_changed.connect(lambda: dialog.set_host(dialog.host.reload()))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def state_in_table(dialog: PluginDialog, name: str) -> str:
    for row in range(dialog.table.rowCount()):
        if dialog.table.item(row, 0).text() == name:
            return dialog.table.item(row, 3).text()
    raise LookupError(name)


def test_a_broken_plugin_is_listed_as_failed_with_its_error(qtbot, plugin_dir):
    dialog = make_dialog(qtbot)
    assert state_in_table(dialog, "broken_plugin") == "failed"
    assert state_in_table(dialog, "softsign") == "loaded"
    assert state_in_table(dialog, "plugins.activations") == "loaded"
    assert dialog.select_plugin("broken_plugin")
    assert dialog.problem_panel.isVisible()
    assert "boom at import" in dialog.problem.toPlainText()
    assert "Traceback" in dialog.problem.toPlainText()
    assert dialog.host.registry.activation("tanh")  # the rest still works
    assert "broken_plugin" in failure_summary(dialog.host)


def test_copy_puts_the_traceback_on_the_clipboard(qtbot, plugin_dir):
    dialog = make_dialog(qtbot)
    dialog.select_plugin("broken_plugin")
    QApplication.clipboard().clear()
    dialog.copy_button.click()
    text = QApplication.clipboard().text()
    assert "RuntimeError: boom at import" in text and "Traceback (most recent call last)" in text


def test_a_flagged_activation_shows_its_failed_derivative_check(qtbot, plugin_dir):
    dialog = make_dialog(qtbot)
    assert state_in_table(dialog, "lying") == "flagged"
    assert dialog.select_activation("lying_tanh")
    assert "derivative" in dialog.problem.toPlainText()
    assert "flagged" in dialog.activation_view.check.text()
    assert dialog.activation_view.g_curve.getData()[0] is not None


def test_a_good_activation_shows_g_and_g_prime_and_its_check(qtbot, plugin_dir):
    dialog = make_dialog(qtbot)
    assert dialog.select_activation("softsign")
    view = dialog.activation_view
    assert view.isVisible() and "passed" in view.check.text()
    a, g = view.g_curve.getData()
    assert a[0] == -4 and a[-1] == 4 and abs(g[-1] - 0.8) < 1e-12
    assert view.dg_curve.getData()[1][len(a) // 2] == pytest.approx(1.0)
    assert "<img" in view.formula.text()
    assert not dialog.problem_panel.isVisible()


def test_disabling_a_plugin_persists_and_removes_its_activation(qtbot, plugin_dir):
    calls = []
    dialog = make_dialog(qtbot, settings_changed=lambda: calls.append(1))
    dialog.select_plugin("softsign")
    with qtbot.waitSignal(dialog.plugins_changed, timeout=2000):
        dialog.enabled_box.setChecked(False)
    assert calls == [1]
    assert plugin_settings.load_disabled() == {"softsign"}
    assert state_in_table(dialog, "softsign") == "disabled"
    assert "softsign" not in dialog.host.registry.activations
    assert not dialog.enabled_box.isChecked()
    assert PluginHost(use_entry_points=False).load().record("softsign").state == "disabled"  # next run
    dialog.enabled_box.setChecked(True)
    assert state_in_table(dialog, "softsign") == "loaded"


def test_built_in_plugins_cannot_be_disabled_or_uninstalled(qtbot, plugin_dir):
    dialog = make_dialog(qtbot)
    dialog.select_plugin("plugins.activations")
    assert not dialog.enabled_box.isEnabled()
    assert not dialog.uninstall_button.isEnabled()


def test_installing_a_py_file_copies_it_and_emits_plugins_changed(qtbot, plugin_dir, tmp_path):
    source = tmp_path / "softsign2.py"
    source.write_text(textwrap.dedent(SOFTSIGN).replace('"softsign"', '"softsign2"'))
    dialog = make_dialog(qtbot, ask_target=lambda parent: str(source))
    with qtbot.waitSignal(dialog.plugins_changed, timeout=2000):
        dialog.install_button.click()
    assert (plugin_dir / "softsign2.py").read_text() == source.read_text()
    assert state_in_table(dialog, "softsign2") == "loaded"
    assert dialog.host.registry.activation("softsign2")
    # and uninstalling it removes the file again
    dialog.confirm = lambda parent, text: True
    dialog.select_plugin("softsign2")
    with qtbot.waitSignal(dialog.plugins_changed, timeout=2000):
        dialog.uninstall_button.click()
    assert not (plugin_dir / "softsign2.py").exists()
    assert dialog.host.record("softsign2") is None


def test_cancelled_or_bad_targets_change_nothing(qtbot, plugin_dir, tmp_path):
    dialog = make_dialog(qtbot, ask_target=lambda parent: None)
    with qtbot.assertNotEmitted(dialog.plugins_changed):
        dialog.install_button.click()
        dialog.install(str(tmp_path / "missing.py"))
    assert "no such file" in dialog.status.text()


def test_the_runner_streams_output_and_can_be_cancelled(qtbot):
    runner = ProcessRunner()
    chunks = []
    runner.output.connect(chunks.append)
    script = "import time; print('started', flush=True); time.sleep(60)"
    with qtbot.waitSignal(runner.output, timeout=10000):
        runner.start([sys.executable, "-c", script])
    assert "started" in "".join(chunks)
    with qtbot.waitSignal(runner.finished, timeout=10000) as blocker:
        runner.cancel()
    assert blocker.args[1] is True
    assert not runner.is_running()


def test_a_failing_pip_is_reported_and_nothing_is_reloaded(qtbot, plugin_dir, monkeypatch):
    dialog = make_dialog(qtbot)
    from core.plugin_host import install as plugin_install
    monkeypatch.setattr(plugin_install, "pip_command",
                        lambda args: [sys.executable, "-c", "import sys; print('no luck'); sys.exit(3)"])
    with qtbot.assertNotEmitted(dialog.plugins_changed):
        with qtbot.waitSignal(dialog.runner.finished, timeout=10000):
            dialog.install("some-package-name")
    assert "no luck" in dialog.output.toPlainText()
    assert "exit status 3" in dialog.status.text()
    assert dialog.install_button.isEnabled() and not dialog.cancel_button.isEnabled()


@pytest.mark.slow
def test_installing_the_example_package_through_the_dialog(qtbot, tmp_path):
    project = tmp_path / "backprop-swish"
    shutil.copytree(EXAMPLE, project)  # pip builds in place: keep the repository clean
    dialog = make_dialog(qtbot, entry_points=True, ask_target=lambda parent: str(project),
                         pip_options=["--no-build-isolation", "--no-deps"])
    dialog.confirm = lambda parent, text: True
    try:
        with qtbot.waitSignal(dialog.runner.finished, timeout=180000) as finished:
            dialog.install_button.click()
            assert dialog.cancel_button.isEnabled()
        assert finished.args[0] == 0, dialog.output.toPlainText()[-3000:]
        assert "Successfully installed backprop-swish" in dialog.output.toPlainText()
        host = PluginHost(use_entry_points=True).load()
        assert host.record("swish").source == "entry point"
        assert host.registry.activation("swish").problem is None
        assert dialog.host.registry.activation("mish")  # the reloaded host offers it at once
        dialog.select_plugin("swish")
        with qtbot.waitSignal(dialog.plugins_changed, timeout=180000):
            dialog.uninstall_button.click()
        assert dialog.host.record("swish") is None
    finally:
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", "backprop-swish"],
                       capture_output=True)
        sys.modules.pop("backprop_swish", None)


def test_installing_over_a_plugin_file_asks_first(qtbot, tmp_path):
    """Issue 9, item 6: the GUI asks before replacing an installed plugin file."""
    source = tmp_path / "mine.py"
    source.write_text("x = 1\n")
    dialog = PluginDialog(PluginHost(safe_mode=True).load())
    qtbot.addWidget(dialog)
    dialog.install(str(source))
    assert (user_plugin_dir() / "mine.py").read_text() == "x = 1\n"
    source.write_text("x = 2\n")
    questions = []
    dialog.confirm = lambda parent, text: questions.append(text) or False
    dialog.install(str(source))
    assert len(questions) == 1 and "already installed" in questions[0]
    assert (user_plugin_dir() / "mine.py").read_text() == "x = 1\n"  # declined: kept
    dialog.confirm = lambda parent, text: True
    dialog.install(str(source))
    assert (user_plugin_dir() / "mine.py").read_text() == "x = 2\n"
