"""The canvas follows the model's per-layer events: the layer that changed gets new items,
the others keep theirs (renumbered and moved along), and what is drawn matches the model."""
from __future__ import annotations

import numpy as np
import pytest

from core.engine.network import Network
from desktop_app.app_state import AppState
from desktop_app.canvas import NetworkView, Selection
from desktop_app.canvas.layout import compute_layout
from desktop_app.commands import InsertLayer, MoveLayer, RemoveLayer, SetActivation, SetWidth
from desktop_app.document import Document


@pytest.fixture
def view(qtbot, host):
    document = Document(Network([3, 4, 5, 2], ["tanh", "relu"], seed=3), host)
    view = NetworkView(AppState(document))
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    return view


def push(view, command) -> None:
    view.scene_.document.undo_stack.push(command)


def assert_drawn_like_the_model(scene) -> None:
    """Every item is where the layout of the model's sizes puts it, numbered as the model."""
    net = scene.network
    layout = compute_layout(net.sizes)
    assert [item.k for item in scene.layer_items] == list(range(len(net.sizes)))
    assert [item.pos().x() for item in scene.layer_items] == [g.x for g in layout]
    assert sorted(scene.neurons) == sorted((g.index, i) for g in layout for i in g.units)
    for (k, i), neuron in scene.neurons.items():
        assert (neuron.k, neuron.i) == (k, i)
        assert (neuron.pos().x(), neuron.pos().y()) == (layout[k].x, layout[k].unit_y[i])
    assert sorted(scene.edges) == list(range(1, len(net.sizes)))
    for k, edges in scene.edges.items():
        assert len(edges) == len(layout[k].units) * len(layout[k - 1].units)
        for edge in edges:
            assert edge.k == k
            line = edge.line()  # from unit j of layer k-1 to unit i of layer k
            assert line.y1() == pytest.approx(layout[k - 1].unit_y[edge.j])
            assert line.y2() == pytest.approx(layout[k].unit_y[edge.i])
            assert abs(line.x2() - layout[k].x) < 20 and abs(line.x1() - layout[k - 1].x) < 20
            assert edge.weight == pytest.approx(float(net.W(k)[edge.i, edge.j]))
    titles = scene.layer_titles()
    assert titles[0] == "Input" and [t.split(" · ")[0] for t in titles[1:-1]] == [
        f"Hidden {k}" for k in range(1, len(net.sizes) - 1)]


def test_inserting_a_layer_keeps_the_items_of_the_others(view):
    scene = view.scene_
    before_layers = list(scene.layer_items)
    before_w1, before_w3 = list(scene.edges[1]), list(scene.edges[3])
    push(view, InsertLayer(scene.network, 2, width=3, activation="sigmoid"))  # between hidden 1 and 2
    assert scene.network.sizes == [3, 4, 3, 5, 2]
    assert_drawn_like_the_model(scene)
    # input, hidden 1 and the old layers 2 and 3 (now 3 and 4) are the same items, renumbered
    assert scene.layer_items[0] is before_layers[0] and scene.layer_items[1] is before_layers[1]
    assert scene.layer_items[3] is before_layers[2] and scene.layer_items[4] is before_layers[3]
    assert scene.layer_items[2] not in before_layers
    assert scene.edges[1] == before_w1  # W_1 untouched
    assert scene.edges[4] == before_w3  # the old W_3 is W_4 now, moved along
    scene.document.undo_stack.undo()
    assert scene.network.sizes == [3, 4, 5, 2]
    assert_drawn_like_the_model(scene)
    assert scene.layer_items[3] is before_layers[3]


def test_removing_and_resizing_a_layer(view):
    scene = view.scene_
    output = scene.layer_items[3]
    push(view, RemoveLayer(scene.network, 1))
    assert scene.network.sizes == [3, 5, 2]
    assert_drawn_like_the_model(scene)
    assert scene.layer_items[2] is output
    first = scene.layer_items[0]
    push(view, SetWidth(scene.network, 1, 20))  # collapses to 5 … 5
    assert_drawn_like_the_model(scene)
    assert scene.layer_items[0] is first and scene.layer_items[2] is output
    assert len(scene.bundles[1]) == 1 and scene.bundles[2][0].k == 2


def test_moving_a_layer_and_changing_an_activation(view):
    scene = view.scene_
    push(view, MoveLayer(scene.network, 1, 2))
    assert scene.network.sizes == [3, 5, 4, 2] and scene.network.activations == ["relu", "tanh"]
    assert_drawn_like_the_model(scene)
    assert scene.layer_titles()[1:3] == ["Hidden 1 · relu", "Hidden 2 · tanh"]
    items = list(scene.layer_items)
    push(view, SetActivation(scene.network, 2, "sigmoid"))
    assert scene.layer_items == items  # nothing redrawn for a new activation
    assert scene.layer_titles()[2] == "Hidden 2 · sigmoid"


def test_a_selection_follows_its_layer_when_another_is_inserted(view):
    scene = view.scene_
    scene.select(Selection("neuron", 2, 3))
    neuron = scene.neurons[(2, 3)]
    push(view, InsertLayer(scene.network, 1))
    assert scene.selection == Selection("neuron", 3, 3)
    assert scene.neurons[(3, 3)] is neuron and neuron.highlighted
    scene.select(Selection("weight", 1, 0, 0))
    push(view, InsertLayer(scene.network, 1))  # the weights into the old layer 1 are replaced
    assert scene.selection is None


def test_values_follow_after_events(view):
    scene = view.scene_
    push(view, InsertLayer(scene.network, 3, width=2))
    trace = scene.document.trace  # the new layer and the renumbered output show the new trace
    assert np.allclose([scene.neurons[(3, i)].value for i in range(2)], trace.h[3][0])
    assert np.allclose([scene.neurons[(4, i)].value for i in range(2)], trace.yhat[0])
