"""Every canvas edit is an undo command: undo restores sizes and the exact parameters."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from core.engine.network import Network
from desktop_app.canvas import NetworkView
from desktop_app.canvas.synthetic import drag_and_drop, gap_point, layer_point
from desktop_app.commands import (
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    SetActivation,
    SetBias,
    SetLoss,
    SetWeight,
    SetWidth,
)
from desktop_app.document import Document


def state(network: Network):
    return (network.sizes, network.activations, network.loss,
            [W.copy() for W in network.weights], [b.copy() for b in network.biases])


def assert_same(network: Network, saved) -> None:
    sizes, activations, loss, weights, biases = saved
    assert (network.sizes, network.activations, network.loss) == (sizes, activations, loss)
    assert len(weights) == len(network.weights)
    assert all(np.array_equal(a, b) for a, b in zip(weights, network.weights))
    assert all(np.array_equal(a, b) for a, b in zip(biases, network.biases))


@pytest.fixture
def network():
    net = Network([3, 4, 5, 2], ["tanh", "relu"], seed=7)
    net.set_bias(2, 1, 0.25)
    return net


@pytest.mark.parametrize("make", [
    lambda n: InsertLayer(n, 2, 6, "sigmoid"),
    lambda n: InsertLayer(n, 1, 4, "tanh"),
    lambda n: RemoveLayer(n, 1),
    lambda n: RemoveLayer(n, 2),
    lambda n: SetWidth(n, 1, 9),
    lambda n: SetWidth(n, 2, 2),
    lambda n: SetWidth(n, 0, 1),
    lambda n: SetActivation(n, 2, "sigmoid"),
    lambda n: SetLoss(n, "squared_error"),
    lambda n: MoveLayer(n, 1, 2),
    lambda n: SetWeight(n, 2, 3, 1, -0.75),
    lambda n: SetBias(n, 3, 0, 0.5),
], ids=["insert-middle", "insert-first", "remove-1", "remove-2", "widen", "narrow", "input-width",
        "activation", "loss", "move", "weight", "bias"])
def test_command_undo_redo_restores_exact_parameters(network, make, qapp):
    stack = QUndoStack()
    before = state(network)
    stack.push(make(network))
    after = state(network)
    assert after[:3] != before[:3] or any(not np.array_equal(a, b) for a, b in zip(after[3], before[3])) \
        or any(not np.array_equal(a, b) for a, b in zip(after[4], before[4]))
    stack.undo()
    assert_same(network, before)
    stack.redo()
    assert_same(network, after)
    stack.undo()
    assert_same(network, before)


def test_edits_after_training_like_changes_undo_exactly(network, qapp):
    """Weights that are not the seeded initial ones (trained, edited) come back exactly."""
    rng = np.random.default_rng(1)
    network.set_parameters([rng.normal(size=W.shape) for W in network.weights],
                           [rng.normal(size=b.shape) for b in network.biases])
    stack = QUndoStack()
    before = state(network)
    for command in (SetWidth(network, 1, 7), InsertLayer(network, 3, 2), MoveLayer(network, 1, 3),
                    RemoveLayer(network, 2)):
        stack.push(command)
    after = state(network)
    while stack.canUndo():
        stack.undo()
    assert_same(network, before)
    while stack.canRedo():
        stack.redo()
    assert_same(network, after)


def test_canvas_drops_undo_and_redo(qtbot, host, textbook):
    network, _ = textbook
    document = Document(network, host)
    view = NetworkView(document)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.zoom_to_fit()
    before = state(network)
    drag_and_drop(view, "layer:dense", gap_point(view, 2))
    drag_and_drop(view, "activation:relu", layer_point(view, 2))
    view.scene_.layer_items[2].plus.click()
    after = state(network)
    assert after[0] == [3, 3, 5, 3, 2] and after[1] == ["tanh", "relu", "tanh"]
    stack = document.undo_stack
    assert stack.count() == 3
    assert document.is_modified
    while stack.canUndo():
        stack.undo()
    assert_same(network, before)
    assert view.scene_.layer_titles() == ["Input", "Hidden 1 · tanh", "Hidden 2 · tanh", "Output · softmax"]
    assert len(view.scene_.neuron_items()) == 11
    assert not document.is_modified
    while stack.canRedo():
        stack.redo()
    assert_same(network, after)
    assert len(view.scene_.neuron_items()) == 16
    assert view.scene_.layer_titles()[2] == "Hidden 2 · relu"
