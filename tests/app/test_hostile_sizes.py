"""The canvas and the inspector keep a network within the size limits (issue 9, item 2)."""
from __future__ import annotations

import pytest

from core.engine.network import MAX_LAYERS, MAX_PARAMETERS, Network, parameter_count
from desktop_app.canvas import NetworkView, Selection
from desktop_app.canvas.synthetic import drag_and_drop, gap_point
from desktop_app.document import Document
from desktop_app.inspector import Inspector


@pytest.fixture
def make_view(qtbot, host):
    def make(network: Network) -> NetworkView:
        view = NetworkView(Document(network, host))
        qtbot.addWidget(view)
        view.resize(1000, 600)
        view.show()
        view.zoom_to_fit()
        return view
    return make


def test_widening_past_the_parameter_limit_is_refused_with_a_message(make_view):
    network = Network([2, 4096, 4096, 2], "tanh")
    view = make_view(network)
    messages: list[str] = []
    view.editing.edit_failed.connect(messages.append)
    view.editing.set_layer_width(1, 4095)  # fine: fewer parameters
    assert network.sizes == [2, 4095, 4096, 2]
    network.set_width(1, 4096)
    view.editing.set_layer_width(3, 1000)  # 4096 × 1000 more: past the limit
    assert network.sizes == [2, 4096, 4096, 2]
    assert messages and "parameters" in messages[-1]
    assert parameter_count(network.sizes) <= MAX_PARAMETERS


def test_dropping_a_layer_past_the_layer_limit_is_refused(make_view):
    network = Network([2] * MAX_LAYERS, "tanh")
    view = make_view(network)
    drag_and_drop(view, "layer:dense", gap_point(view, 1))
    assert len(network.sizes) == MAX_LAYERS


def test_the_inspector_offers_only_widths_within_the_limit(qtbot, host):
    network = Network([2, 4096, 4096, 2], "tanh")
    inspector = Inspector(Document(network, host))
    qtbot.addWidget(inspector)
    inspector.show_selection(Selection("layer", 3))
    assert inspector.width_spin.maximum() < 4096
    inspector.width_spin.setValue(4096)  # clamped to the maximum: stays within the limit
    assert parameter_count(network.sizes) <= MAX_PARAMETERS
