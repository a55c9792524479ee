"""The φ menu and the input labels show a feature plugin's texts literally, and raw inputs by name."""
from __future__ import annotations

import textwrap

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from core.engine.network import Network
from core.plugin_host.host import PluginHost

MARKUP_FEATURE = textwrap.dedent("""
    import numpy as np, pluggy
    hookimpl = pluggy.HookimplMarker("backprop_studio")
    @hookimpl
    def register_features(register):
        register(name="cos_x1", fn=lambda X: np.cos(X[:, 0]), inputs=2, label="cos x₁",
                 formula=r"\\cos x_1", description="<h1>Big</h1><img src='/dev/zero'> cos of x<sub>1</sub>")
""")


@pytest.fixture
def window(make_window):
    return lambda host, network: make_window(network, host=host, size=(1400, 900), fit=True)


def open_feature_menu(qtbot, win) -> QMenu:
    view = win.view
    button = view.scene_.layer_items[0].feature_button
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(button.sceneBoundingRect().center()))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=3000)
    return QApplication.activePopupWidget()


def test_a_feature_plugins_description_is_shown_as_text_not_markup(qtbot, window, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "markup_feature.py").write_text(MARKUP_FEATURE)
    host = PluginHost(plugin_dir=folder, use_entry_points=False).load()
    win = window(host, Network([2, 3, 2], "tanh", seed=0))
    menu = open_feature_menu(qtbot, win)
    action = next(a for a in menu.actions() if a.text() == "cos x₁")
    tip = action.toolTip()
    assert "&lt;h1&gt;Big&lt;/h1&gt;" in tip and "<img" not in tip and "<h1>" not in tip
    menu.close()


def test_raw_inputs_are_labelled_x1_to_xn_whatever_their_number(qtbot, window, host):
    win = window(host, Network([3, 3, 2], "tanh", seed=0))
    scene = win.view.scene_
    assert [scene.neurons[(0, i)].feature_label.text() for i in range(3)] == ["x₁", "x₂", "x₃"]


def test_the_ring_of_the_step_h0_leaves_the_feature_labels_readable(qtbot, window, host):
    """During h₀ = φ(x) the input units are ringed as written: no label may run under its ring."""
    network = Network([4, 8, 2], "tanh", features=["x1", "x2", "x1_squared", "sin_x1"], seed=0)
    win = window(host, network)
    win.steps_dock.show()
    win.steps.seek_quantity("h0")
    scene = win.view.scene_
    view_scale = win.view.transform().m11()
    rings = {item.data(0)[1:3]: item for item in scene.items()
             if isinstance(item.data(0), tuple) and item.data(0)[0] == "ring"}
    assert {(0, i) for i in range(4)} <= set(rings)
    for i in range(4):
        label = scene.neurons[(0, i)].feature_label.sceneBoundingRect()
        ring = rings[(0, i)].sceneBoundingRect()
        pen = rings[(0, i)].pen().widthF() / view_scale  # a cosmetic pen: pixels, in scene units
        assert label.right() <= ring.left() - pen / 2, f"label {i} runs under the ring"


def test_the_phi_menu_of_a_three_input_network_says_why_it_offers_no_feature(qtbot, window, host):
    win = window(host, Network([3, 3, 2], "tanh", seed=0))
    menu = open_feature_menu(qtbot, win)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[0].startswith("Raw inputs")
    notes = [a for a in menu.actions() if "No feature plugin reads 3 input(s)" in a.text()]
    assert len(notes) == 1 and not notes[0].isEnabled() and len(texts) == 2
    menu.close()
