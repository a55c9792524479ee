"""The inspector shows the engine's numbers and edits go through undo commands."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.io.network_file import example_arrays
from desktop_app.app_state import AppState
from desktop_app.canvas import NetworkView, Selection
from desktop_app.document import Document
from desktop_app.inspector import Inspector


@pytest.fixture
def setup(qtbot, host, textbook):
    network, extras = textbook
    document = Document(network, host, example=example_arrays(extras))
    state = AppState(document)
    view = NetworkView(state)
    inspector = Inspector(state)
    view.selection_changed.connect(inspector.show_selection)
    for widget in (view, inspector):
        qtbot.addWidget(widget)
        widget.show()
    return document, view, inspector


def type_into(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def test_edit_weight_changes_network_and_trace_and_undoes(setup, qtbot):
    document, view, inspector = setup
    network = document.network
    view.scene_.select(Selection("weight", 2, 0, 2))  # w_2[1,3], printed 0.8 in MATH.md
    assert inspector.pages.currentIndex() == 3
    assert inspector.weight_spin.value() == pytest.approx(0.8)
    # ∇W_2[1,3] = ∇a_2[1] h_1[3] = -0.2396 · 1.0 (MATH.md prints ∇W_2 inputs × outputs)
    assert inspector.grad_w_label.text() == "-0.2396"
    assert "from h₁,₃ to a₂,₁" in inspector.weight_path.text()
    assert inspector.title.text() == "Weight W₂,₁,₃"
    W_before = network.W(2).copy()
    loss_before = document.trace.loss
    assert loss_before == pytest.approx(0.4391, abs=1e-4)
    type_into(qtbot, inspector.weight_spin, "-1.5")
    assert network.W(2)[0, 2] == -1.5
    assert document.trace.loss != pytest.approx(loss_before)
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert np.array_equal(network.W(2), W_before)
    assert document.trace.loss == pytest.approx(loss_before)
    assert inspector.weight_spin.value() == pytest.approx(0.8)


def test_neuron_values_come_from_the_trace_and_bias_is_editable(setup, qtbot):
    document, view, inspector = setup
    view.scene_.select(Selection("neuron", 2, 0))
    assert inspector.pages.currentIndex() == 2
    shown = {inspector.value_names[k].text(): inspector.value_labels[k].text() for k in inspector.value_labels}
    assert shown["a₂,₁"] == "0.4196" and shown["h₂,₁"] == "0.3966"
    assert shown["∂L/∂a₂,₁"] == "-0.2396" and shown["∂L/∂h₂,₁"] == "-0.2843"
    type_into(qtbot, inspector.bias_spin, "0.3")
    assert document.network.b(2)[0] == 0.3
    assert inspector.value_labels["a"].text() == "0.7196"  # a_2[1] = b + W h, recomputed
    document.undo_stack.undo()
    assert document.network.b(2)[0] == 0.0


def test_output_neuron_shows_yhat(setup):
    document, view, inspector = setup
    view.scene_.select(Selection("neuron", 3, 0))
    shown = {inspector.value_names[k].text(): inspector.value_labels[k].text()
             for k in inspector.value_labels if not inspector.value_labels[k].isHidden()}
    assert shown["ŷ₁"] == "0.6446" and shown["∂L/∂a₃,₁"] == "-0.3554"


def test_layer_page_width_activation_formula_and_plot(setup, qtbot):
    document, view, inspector = setup
    network = document.network
    view.scene_.select(Selection("layer", 1))
    assert inspector.pages.currentIndex() == 1
    assert inspector.width_spin.value() == 3
    assert inspector.activation_combo.currentText() == "tanh"
    assert "tanh" in inspector.activation_view.formula.text()
    x, y = inspector.activation_view.g_curve.getData()
    assert len(x) > 50 and np.allclose(y, np.tanh(x))
    _, dy = inspector.activation_view.dg_curve.getData()
    assert np.allclose(dy, 1 - np.tanh(x) ** 2)
    index = inspector.activation_combo.findText("relu")
    inspector.activation_combo.activated.emit(index)
    assert network.activations == ["relu", "tanh"]
    _, y = inspector.activation_view.g_curve.getData()
    assert np.allclose(y, np.maximum(0, x))
    type_into(qtbot, inspector.width_spin, "5")
    assert network.sizes == [3, 5, 3, 2]
    assert document.undo_stack.count() == 2
    assert inspector.width_spin.value() == 5  # the selection survived the rebuild
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert network.sizes == [3, 3, 3, 2] and network.activations == ["tanh", "tanh"]


def test_output_layer_offers_losses_and_input_has_no_activation(setup):
    document, view, inspector = setup
    view.scene_.select(Selection("layer", 3))
    assert inspector.loss_combo.currentText() == "softmax_cross_entropy"
    assert inspector.activation_combo.isHidden()
    inspector.loss_combo.activated.emit(inspector.loss_combo.findText("squared_error"))
    assert document.network.loss == "squared_error"
    assert view.scene_.layer_titles()[-1] == "Output · identity"
    view.scene_.select(Selection("layer", 0))
    assert inspector.activation_combo.isHidden() and inspector.loss_combo.isHidden()


def test_selection_cleared_when_its_layer_goes(setup):
    document, view, inspector = setup
    view.scene_.select(Selection("neuron", 2, 1))
    view.editing.delete_layer(2)
    assert inspector.pages.currentIndex() == 0
    assert view.scene_.selection is None


def test_set_document_swaps(setup, qtbot, host):
    from core.engine.network import Network
    document, view, inspector = setup
    other = Document(Network([2, 2], [], "squared_error"), host)
    view.scene_.state.set_document(other)  # File ▸ Open: every widget follows the state
    assert view.scene_.layer_titles() == ["Input", "Output · identity"]
    assert inspector.pages.currentIndex() == 0
    document.network.set_weight(1, 0, 0, 3.0)  # the old document no longer drives the view
    view.scene_.select(Selection("weight", 1, 0, 0))
    assert inspector.weight_spin.value() == pytest.approx(other.network.W(1)[0, 0])
