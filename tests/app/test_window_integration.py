"""The window as a whole: the worked example, the start screen, the path view, plugins."""
from __future__ import annotations

import textwrap

import pytest
from PySide6.QtCore import Qt

from core.plugin_host.host import PluginHost
from desktop_app import files as files_module
from desktop_app.animation.paths_view import PathsDialog
from desktop_app.canvas.selection import Selection
from desktop_app.canvas.synthetic import drag_and_drop, layer_point
from desktop_app.main_window import MainWindow

SOFTSIGN = textwrap.dedent("""
    import numpy as np, pluggy
    hookimpl = pluggy.HookimplMarker("backprop_studio")
    @hookimpl
    def register_activations(register):
        register(name="softsign", fn=lambda a: a / (1 + np.abs(a)),
                 derivative=lambda a: 1 / (1 + np.abs(a)) ** 2, formula=r"g(a) = a / (1 + |a|)")
""")


@pytest.fixture
def make_window(qtbot, monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")

    def make(host) -> MainWindow:
        window = MainWindow(host, use_autosave=False, restore_layout=False)
        qtbot.addWidget(window)
        window.show()
        return window
    return make


def action(window: MainWindow, text: str):
    for menu_action in window.menuBar().actions():
        for item in menu_action.menu().actions():
            if item.text().replace("&", "") == text:
                return item
    raise LookupError(text)


def test_file_menu_opens_the_worked_example_ready_to_step(make_window, host):
    window = make_window(host)
    action(window, "Open the Worked Example").trigger()
    assert window.document.network.sizes == [3, 3, 3, 2]
    assert window.document.example == ([2.0, 5.0, 3.0], [1.0, 0.0])
    assert window.steps_dock.isVisible() and window.steps.player.position == 0
    for _ in range(3):
        action(window, "Step Forward").trigger()
    assert window.steps.player.current.quantity == "a2"
    assert window.steps.numbers.text().endswith("= [0.4196, -0.2480, 1.2425]")
    assert window.view.step_overlay.active
    action(window, "Jump to End").trigger()
    assert window.steps.player.at_end


def test_the_start_screen_offers_the_worked_example(qtbot, make_window, host):
    window = make_window(host)
    window.show_welcome()
    assert window.welcome.isVisible()
    qtbot.mouseClick(window.welcome.buttons["textbook"], Qt.LeftButton)
    assert not window.welcome.isVisible()
    assert window.document.network.sizes == [3, 3, 3, 2]
    assert window.steps.player.trace.loss == pytest.approx(0.4391, abs=5e-5)


def test_the_path_view_of_the_selected_weight(qtbot, make_window, host):
    window = make_window(host)
    window.open_worked_example()
    assert window.show_weight_paths() is None  # nothing selected: a message instead
    assert "Select a weight" in window.statusBar().currentMessage()
    window.view.scene_.select(Selection("weight", 1, 2, 0))
    assert window.inspector.paths_button.isVisible()
    qtbot.mouseClick(window.inspector.paths_button, Qt.LeftButton)
    dialog = window.findChild(PathsDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.report.name == "W₁,₃,₁" and dialog.table.rowCount() == 6
    assert dialog.report.path_sum == pytest.approx(dialog.report.matrix_value, abs=1e-15)
    dialog.close()


def test_training_leaves_the_animation(qtbot, make_window, host):
    window = make_window(host)
    window.open_worked_example()
    window.steps.seek_quantity("grad_W2")
    window.training.weights_applied.emit()
    assert window.steps.player.position == 0 and not window.view.step_overlay.active


def test_a_broken_plugin_is_announced_and_the_app_works(qtbot, make_window, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "broken.py").write_text("raise ImportError('needs a library that is not installed')\n")
    host = PluginHost(plugin_dir=folder, use_entry_points=False).load()
    window = make_window(host)
    assert window.plugins.notice.isVisible() and "broken" in window.plugins.notice.text()
    qtbot.mouseClick(window.plugins.notice, Qt.LeftButton)
    dialog = window.plugins.dialog
    assert dialog.isVisible() and dialog.selected_record().name == "broken"
    window.open_worked_example()  # everything else still works
    assert window.document.trace is not None


def test_a_plugin_installed_from_the_dialog_is_droppable_without_restart(qtbot, make_window, tmp_path,
                                                                         monkeypatch):
    folder = tmp_path / "plugins"
    monkeypatch.setenv("BACKPROP_STUDIO_PLUGIN_DIR", str(folder))
    host = PluginHost(use_entry_points=False).load()
    window = make_window(host)
    assert "activation:softsign" not in window.palette_widget.item_ids()
    source = tmp_path / "softsign.py"
    source.write_text(SOFTSIGN)
    dialog = window.plugins.open_manager()
    dialog.install(target=str(source))
    qtbot.waitUntil(lambda: "activation:softsign" in window.palette_widget.item_ids(), timeout=5000)
    assert (folder / "softsign.py").is_file()
    assert window.host.registry.activation("softsign").problem is None
    view = window.view
    result = drag_and_drop(view, "activation:softsign", layer_point(view, 1))
    assert result["drop"]
    assert window.document.network.sizes == [2, 4, 2]
    assert window.document.network.activations == ["softsign"]
    assert window.document.trace is not None, "the new activation computes"


def test_disabling_a_plugin_removes_its_items_from_the_palette_and_persists(qtbot, make_window, tmp_path,
                                                                            monkeypatch):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "softsign.py").write_text(SOFTSIGN)
    monkeypatch.setenv("BACKPROP_STUDIO_PLUGIN_DIR", str(folder))
    window = make_window(PluginHost(use_entry_points=False).load())
    assert "activation:softsign" in window.palette_widget.item_ids()
    dialog = window.plugins.open_manager()
    assert dialog.select_plugin("softsign")
    dialog.enabled_box.setChecked(False)  # as the learner unticks "Enabled"
    assert "activation:softsign" not in window.palette_widget.item_ids()
    assert window.host.record("softsign").state == "disabled"
    # a later start remembers it
    assert PluginHost(use_entry_points=False).load().record("softsign").state == "disabled"
    dialog.select_plugin("softsign")
    dialog.enabled_box.setChecked(True)
    assert "activation:softsign" in window.palette_widget.item_ids()


def test_a_network_whose_plugin_is_missing_opens_with_the_layer_marked(qtbot, make_window, host, tmp_path,
                                                                       monkeypatch):
    from core.engine.network import Network
    from core.io.network_file import save_network

    path = tmp_path / "uses-swish.json"
    save_network(Network([2, 3, 3, 2], ["tanh", "swish"], seed=1), path)  # swish: no plugin loaded
    warnings = []
    monkeypatch.setattr(files_module, "warn_cannot_compute", lambda parent, name, problem: warnings.append(problem))
    window = make_window(host)
    assert window.files.open_path(path)
    assert window.document.network.activations == ["tanh", "swish"], "nothing the file had is lost"
    assert warnings and "swish" in warnings[0]
    layers = window.view.scene_.layer_items
    assert layers[2].problem and "swish" in layers[2].problem and layers[2].title().endswith("⚠")
    assert layers[1].problem is None
    assert "swish" in window.view.scene_.tooltip_for(layers[2])
    # the rest of the app still works, and dropping a known activation mends the layer
    result = drag_and_drop(window.view, "activation:relu", layer_point(window.view, 2))
    assert result["drop"] and window.document.network.activations == ["tanh", "relu"]
    assert window.view.scene_.layer_items[2].problem is None
    assert window.document.trace is not None


def test_an_optimizer_that_raises_stops_training_with_a_message(qtbot, make_window):
    import types

    plugin = types.ModuleType("exploding")
    exec(textwrap.dedent("""
        import pluggy
        hookimpl = pluggy.HookimplMarker("backprop_studio")
        class Exploding:
            def __init__(self, lr):
                self.calls = 0
            def step(self, params, grads):
                self.calls += 1
                if self.calls > 1:   # passes the load-time check, fails in training
                    raise RuntimeError("optimizer exploded")
                for p, g in zip(params, grads):
                    p -= 0.1 * g
        @hookimpl
        def register_optimizers(register):
            register(name="exploding", factory=Exploding, defaults={"lr": 0.1})
    """), plugin.__dict__)
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(plugin, "exploding")
    window = make_window(host)
    window.training.form.refresh(host.registry)
    window.training.form.set_dataset("xor")
    window.training.form.optimizer.setCurrentText("exploding")
    window.training.step_batch()  # in the worker thread, as Play
    qtbot.waitUntil(lambda: window.training.history.n_steps == 1 and not window.training.is_training)
    window.training.step_batch()
    qtbot.waitUntil(lambda: window.training.last_error is not None)
    assert "optimizer exploded" in window.training.last_error
    assert window.isVisible() and window.document.trace is not None


def test_saving_keeps_the_files_name_and_description(make_window, host, tmp_path):
    import json

    window = make_window(host)
    window.open_worked_example()
    window.files.save_to(tmp_path / "copy.json")
    saved = json.loads((tmp_path / "copy.json").read_text())
    assert saved["metadata"]["name"] == "The textbook network"
    assert saved["example"] == {"input": [2.0, 5.0, 3.0], "target": [1.0, 0.0]}


def test_the_path_view_with_l2_in_the_setup_says_the_three_agree(qtbot, make_window, host):
    """The regularizer's λ ∂R/∂w is on no path: the view adds it to the sum, and the three agree."""
    window = make_window(host)
    window.open_worked_example()
    form = window.training.form
    form.regularization.setCurrentIndex(form.regularization.findData("l2"))  # as a person picks it
    form.rate.setValue(0.1)
    assert (window.document.setup.regularization, window.document.setup.rate) == ("l2", 0.1)
    window.view.scene_.select(Selection("weight", 2, 0, 2))  # W₂,₁,₃ = 0.8
    qtbot.mouseClick(window.inspector.paths_button, Qt.LeftButton)
    dialog = window.findChild(PathsDialog)
    text = dialog.summary.text()
    assert "They disagree" not in text and "The three agree" in text
    assert "0.08" in text  # λ ∂R/∂w = 0.1 × 0.8, shown beside the sum over the paths
    assert dialog.report.finite_difference == pytest.approx(dialog.report.matrix_value, abs=1e-8)
    dialog.close()
