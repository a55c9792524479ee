"""Building networks on the canvas by synthetic drag-and-drop, as a person does it."""
from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtWidgets import QApplication

from core.engine.network import Network
from desktop_app.canvas import NetworkView, Selection
from desktop_app.canvas.synthetic import drag_and_drop, gap_point, layer_point
from desktop_app.document import Document


@pytest.fixture
def make_view(qtbot, host):
    def make(network: Network, example=None) -> NetworkView:
        document = Document(network, host, example=example)
        view = NetworkView(document)
        qtbot.addWidget(view)
        view.resize(1200, 700)
        view.show()
        view.zoom_to_fit()
        return view
    return make


def drawn_edges(view) -> int:
    return len(view.scene_.edge_items())


def test_drop_dense_layer_between_input_and_first_hidden(make_view, textbook):
    network, _ = textbook
    view = make_view(network)
    result = drag_and_drop(view, "layer:dense", gap_point(view, 1))
    assert result == {"enter": True, "move": True, "drop": True}
    assert network.sizes == [3, 4, 3, 3, 2]
    assert network.activations == ["tanh", "tanh", "tanh"]
    scene = view.scene_
    assert scene.layer_titles() == ["Input", "Hidden 1 · tanh", "Hidden 2 · tanh", "Hidden 3 · tanh",
                                    "Output · softmax"]
    assert len(scene.neuron_items()) == 3 + 4 + 3 + 3 + 2
    assert drawn_edges(view) == 3 * 4 + 4 * 3 + 3 * 3 + 3 * 2


def test_drop_positions_clamp_to_hidden_slots(make_view):
    network = Network([2, 3, 2], "tanh", seed=1)
    view = make_view(network)
    drag_and_drop(view, "layer:dense", layer_point(view, 0))  # over the input: becomes layer 1
    assert network.sizes == [2, 4, 3, 2]
    right_of_output = view.mapFromScene(QPointF(view.scene_.layout[-1].x + 60, 0))
    drag_and_drop(view, "layer:dense", right_of_output)  # right of everything: before the output
    assert network.sizes == [2, 4, 3, 4, 2]


def test_build_spiral_classifier_by_dragging(make_view, qtbot):
    network = Network([2, 2], [], "squared_error", seed=3)
    view = make_view(network)
    drag_and_drop(view, "layer:dense", gap_point(view, 1))
    drag_and_drop(view, "activation:relu", layer_point(view, 1))
    drag_and_drop(view, "layer:dense", gap_point(view, 2))  # takes the last used activation
    assert network.activations == ["relu", "relu"]
    for k in (1, 2):
        for _ in range(4):
            view.scene_.layer_items[k].plus.click()
    drag_and_drop(view, "loss:softmax_cross_entropy", layer_point(view, 3))
    assert network.sizes == [2, 8, 8, 2]
    assert network.loss == "softmax_cross_entropy"
    assert view.scene_.layer_titles() == ["Input", "Hidden 1 · relu", "Hidden 2 · relu", "Output · softmax"]
    assert drawn_edges(view) == 2 * 8 + 8 * 8 + 8 * 2
    assert view.document.trace is not None and np.isfinite(view.document.trace.loss)


def test_activation_drop_on_hidden_layer_sets_it(make_view, textbook):
    network, _ = textbook
    view = make_view(network)
    drag_and_drop(view, "activation:sigmoid", layer_point(view, 2))
    assert network.activations == ["tanh", "sigmoid"]
    assert view.scene_.layer_titles()[2] == "Hidden 2 · sigmoid"


@pytest.mark.parametrize("item_id, where, message", [
    ("activation:relu", 0, "The input layer has no activation"),
    ("activation:relu", 3, "output function comes from the loss"),
    ("loss:squared_error", 1, "A loss belongs on the output layer"),
    ("activation:relu", None, "Drop an activation onto a hidden layer"),
])
def test_senseless_drops_are_refused_visibly(make_view, textbook, qtbot, item_id, where, message):
    network, _ = textbook
    view = make_view(network)
    before = ([W.copy() for W in network.weights], network.sizes, network.activations, network.loss)
    pos = layer_point(view, where) if where is not None else view.mapFromScene(QPointF(0, -400))
    refused = []
    view.drop_refused.connect(refused.append)
    moved = drag_and_drop(view, item_id, pos, drop=False)
    assert moved == {"enter": True, "move": False}
    if where is not None:
        assert view.scene_.layer_items[where].drop_state == "refuse"  # outlined red
    assert message in view.message()
    with qtbot.waitSignal(view.drop_refused) as blocker:
        drag_and_drop(view, item_id, pos)
    assert message in blocker.args[0]
    assert refused and message in refused[0]
    assert all(item.drop_state is None for item in view.scene_.layer_items)
    assert (network.sizes, network.activations, network.loss) == before[1:]
    assert all(np.array_equal(a, b) for a, b in zip(before[0], network.weights))
    assert view.document.undo_stack.count() == 0


def test_foreign_mime_is_not_accepted(make_view, textbook):
    network, _ = textbook
    view = make_view(network)
    mime = QMimeData()
    mime.setText("layer:dense")
    event = QDragEnterEvent(gap_point(view, 1), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)
    assert not event.isAccepted()


def test_drag_move_shows_insertion_marker(make_view, textbook):
    network, _ = textbook
    view = make_view(network)
    drag_and_drop(view, "layer:dense", gap_point(view, 2), drop=False)
    marker = view.scene_.marker
    assert marker.isVisible()
    layout = view.scene_.layout
    assert layout[1].x < marker.line().x1() < layout[2].x


def test_width_buttons_delete_and_menu(make_view, textbook, qtbot):
    network, _ = textbook
    view = make_view(network)
    scene = view.scene_
    scene.layer_items[1].plus.click()
    scene.layer_items[0].minus.click()
    assert network.sizes == [2, 4, 3, 2]
    assert len(scene.neuron_items()) == 11
    assert scene.layer_items[1].width_item.text() == "4 units"
    scene.layer_items[2].delete.click()
    assert network.sizes == [2, 4, 2]
    menu = view.editing.layer_menu(1)
    actions = {a.text(): a for a in menu.actions()}
    assert not actions["Move left"].isEnabled() and not actions["Move right"].isEnabled()
    assert scene.layer_items[0].delete is None and scene.layer_items[2].delete is None
    actions["Delete layer"].trigger()
    assert network.sizes == [2, 2]
    for _ in range(1):
        scene.layer_items[0].minus.click()
    with qtbot.waitSignal(view.editing.edit_failed):
        scene.layer_items[0].minus.click()  # cannot go below one unit
    assert network.sizes == [1, 2]


def test_move_layer_from_context_menu(make_view):
    network = Network([2, 3, 5, 2], ["relu", "sigmoid"], seed=2)
    view = make_view(network)
    menu = view.editing.layer_menu(1)  # keep the menu alive while its actions are used
    actions = {a.text(): a for a in menu.actions()}
    actions["Move right"].trigger()
    assert network.sizes == [2, 5, 3, 2] and network.activations == ["sigmoid", "relu"]
    assert view.scene_.layer_titles()[1:3] == ["Hidden 1 · sigmoid", "Hidden 2 · relu"]
    assert len(view.scene_.edge_items()) == 2 * 5 + 5 * 3 + 3 * 2


def test_move_layer_by_dragging_the_header(make_view, qtbot):
    network = Network([2, 3, 5, 2], ["relu", "sigmoid"], seed=2)
    view = make_view(network)
    start = layer_point(view, 1, header=True)
    end = layer_point(view, 2, header=True)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    for x in range(start.x(), end.x() + 1, 20):
        point = QPointF(x, start.y())
        move = QMouseEvent(QEvent.Type.MouseMove, point, view.viewport().mapToGlobal(point),
                           Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view.viewport(), move)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert network.activations == ["sigmoid", "relu"]


def test_click_selects_and_delete_key_removes_hidden_layer(make_view, textbook, qtbot):
    network, _ = textbook
    view = make_view(network)
    scene = view.scene_
    neuron = scene.neurons[(2, 0)]
    with qtbot.waitSignal(view.selection_changed) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(neuron.pos()))
    assert blocker.args[0] == Selection("neuron", 2, 0)
    assert neuron.highlighted
    edge = next(e for e in scene.edge_items() if (e.k, e.i, e.j) == (2, 0, 2))
    line = edge.line()
    middle = QPointF(line.x1() + (line.x2() - line.x1()) / 4, line.y1() + (line.y2() - line.y1()) / 4)
    with qtbot.waitSignal(view.selection_changed) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(middle))
    assert blocker.args[0] == Selection("weight", 2, 0, 2)
    assert edge.highlighted and not neuron.highlighted
    with qtbot.waitSignal(view.selection_changed) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=layer_point(view, 1, header=True))
    assert blocker.args[0] == Selection("layer", 1)
    view.setFocus()
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Delete)
    assert network.sizes == [3, 3, 2]


def test_wide_network_has_bounded_items_and_redraws_fast(make_view):
    network = Network([64] * 6, "relu", seed=0)
    view = make_view(network)
    scene = view.scene_
    assert len(scene.neuron_items()) == 6 * 10
    assert len(scene.edge_items()) == 5 * 10 * 10
    assert len(scene.items()) < 1200
    assert [item.ellipsis_item.text() for item in scene.layer_items] == ["⋮ 54 more"] * 6
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        scene.rebuild()
        view.refresh_values()
        view.viewport().repaint()
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05, timings
    drag_and_drop(view, "layer:dense", gap_point(view, 3))
    assert network.sizes == [64, 64, 64, 4, 64, 64, 64]
    assert len(scene.edge_items()) == 4 * 10 * 10 + 2 * 10 * 4


def test_palette_offers_usable_items_and_refreshes(qtbot, host):
    import pluggy

    from desktop_app.mime import MIME_TYPE, item_id_from_mime, make_mime
    from desktop_app.palette import Palette

    palette = Palette(host.registry)
    qtbot.addWidget(palette)
    ids = palette.item_ids()
    assert ids[0] == "layer:dense"
    assert [i for i in ids if i.startswith("activation:")] == [
        f"activation:{n}" for n in host.registry.usable("activations")]
    assert "loss:softmax_cross_entropy" in ids
    assert item_id_from_mime(make_mime("activation:tanh")) == "activation:tanh"
    assert make_mime("loss:squared_error").hasFormat(MIME_TYPE)

    hookimpl = pluggy.HookimplMarker("backprop_studio")

    class Extra:
        @hookimpl
        def register_activations(self, register):
            register(name="softsign", fn=lambda a: a / (1 + abs(a)), derivative=lambda a: 1 / (1 + abs(a)) ** 2)
            register(name="wrong", fn=lambda a: a ** 3, derivative=lambda a: 2 * a)  # g' is wrong

    host.add_plugin(Extra(), "extra")
    try:
        palette.refresh(host.registry)
        ids = palette.item_ids()
        assert "activation:softsign" in ids
        assert "activation:wrong" not in ids  # flagged: never offered
    finally:
        host.remove_plugin("extra")
