"""The network model: validation, shapes, seeded initialisation and edit events."""
from __future__ import annotations

import numpy as np
import pytest

from core.engine.network import MAX_WIDTH, Network, NetworkError


class Recorder:
    """Connects to every psygnal signal of a network and records (signal, args)."""

    SIGNALS = ("layer_inserted", "layer_removed", "layer_changed", "layers_moved",
               "loss_changed", "parameters_changed")

    def __init__(self, network: Network) -> None:
        self.events: list[tuple] = []
        for name in self.SIGNALS:
            getattr(network, name).connect(lambda *args, _n=name: self.events.append((_n, *args)))

    def names(self) -> list[str]:
        return [e[0] for e in self.events]


# -- validation -----------------------------------------------------------------
@pytest.mark.parametrize("sizes, words", [
    ([3], "two sizes"),
    ([], "two sizes"),
    ([3, 0, 2], "between 1"),
    ([3, -1, 2], "between 1"),
    ([3, MAX_WIDTH + 1, 2], str(MAX_WIDTH)),
    ([3, 2.5, 2], "whole number"),
    ([3, True, 2], "whole number"),
    ([3, "4", 2], "whole number"),
])
def test_bad_sizes_are_refused_with_a_message(sizes, words):
    with pytest.raises(NetworkError) as info:
        Network(sizes)
    assert words in str(info.value)


def test_wrong_number_of_activations_is_refused():
    with pytest.raises(NetworkError) as info:
        Network([3, 4, 4, 2], ["tanh"])
    message = str(info.value)
    assert "4 layer sizes need 2 hidden activation(s), got 1" in message


def test_one_activation_name_applies_to_every_hidden_layer():
    network = Network([3, 4, 5, 2], "sigmoid")
    assert network.activations == ["sigmoid", "sigmoid"]
    assert network.layers[0].activation is None and network.layers[-1].activation is None


def test_no_hidden_layer():
    network = Network([3, 2], [])
    assert network.depth == 1 and network.activations == []
    assert network.W(1).shape == (2, 3)


def test_numpy_integer_widths_are_accepted():
    network = Network([np.int64(3), np.int32(2)], [])
    assert network.sizes == [3, 2] and all(type(n) is int for n in network.sizes)


# -- shapes and initialisation --------------------------------------------------
def test_weight_shapes_are_n_k_by_n_k_minus_1():
    sizes = [3, 5, 4, 2]
    network = Network(sizes, ["tanh", "relu"])
    assert network.depth == 3
    for k in range(1, 4):
        assert network.W(k).shape == (sizes[k], sizes[k - 1])
        assert network.b(k).shape == (sizes[k],)
        np.testing.assert_array_equal(network.b(k), 0.0)
        limit = np.sqrt(6.0 / (sizes[k] + sizes[k - 1]))  # Glorot uniform
        assert np.all(np.abs(network.W(k)) <= limit)
    assert [p.shape for p in network.parameters()] == [(5, 3), (5,), (4, 5), (4,), (2, 4), (2,)]


def test_seeded_init_is_reproducible_and_seed_dependent():
    a = Network([3, 4, 2], ["tanh"], seed=7)
    b = Network([3, 4, 2], ["tanh"], seed=7)
    c = Network([3, 4, 2], ["tanh"], seed=8)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not np.array_equal(a.W(1), c.W(1))
    a.set_weight(1, 0, 0, 9.0)
    a.reinitialize()
    assert np.array_equal(a.W(1), b.W(1))
    a.reinitialize(seed=8)
    assert a.seed == 8 and np.array_equal(a.W(1), c.W(1))


def test_copy_is_deep():
    network = Network([2, 3, 2], ["tanh"], "squared_error", seed=4)
    clone = network.copy()
    assert (clone.sizes, clone.activations, clone.loss, clone.seed) == (network.sizes, network.activations,
                                                                         network.loss, network.seed)
    clone.W(1)[0, 0] += 1.0
    assert clone.W(1)[0, 0] != network.W(1)[0, 0]


# -- events ---------------------------------------------------------------------
def test_insert_layer_emits_and_makes_fresh_weights():
    network = Network([3, 4, 2], ["tanh"], seed=1)
    recorder = Recorder(network)
    network.insert_layer(2, 5, "sigmoid")
    assert recorder.events == [("layer_inserted", 2)]
    assert network.sizes == [3, 4, 5, 2]
    assert network.activations == ["tanh", "sigmoid"]
    assert [network.W(k).shape for k in (1, 2, 3)] == [(4, 3), (5, 4), (2, 5)]


def test_insert_layer_at_a_bad_position_is_refused():
    network = Network([3, 4, 2], ["tanh"])
    recorder = Recorder(network)
    for index in (0, 3):
        with pytest.raises(NetworkError, match="inserted at positions 1"):
            network.insert_layer(index, 3)
    assert recorder.events == [] and network.sizes == [3, 4, 2]


def test_remove_layer_emits_and_joins_neighbours():
    network = Network([3, 4, 5, 2], ["tanh", "relu"], seed=2)
    W1 = network.W(1).copy()
    recorder = Recorder(network)
    network.remove_layer(2)
    assert recorder.events == [("layer_removed", 2)]
    assert network.sizes == [3, 4, 2] and network.activations == ["tanh"]
    np.testing.assert_array_equal(network.W(1), W1)  # untouched layer keeps its weights
    assert network.W(2).shape == (2, 4)


@pytest.mark.parametrize("index", [0, 3])
def test_input_and_output_layers_cannot_be_removed(index):
    network = Network([3, 4, 5, 2], ["tanh", "relu"])
    with pytest.raises(NetworkError, match="not a hidden layer"):
        network.remove_layer(index)


def test_set_width_keeps_the_overlapping_block():
    network = Network([3, 4, 2], ["tanh"], seed=3)
    network.set_bias(1, 1, 0.25)
    W1, b1, W2 = network.W(1).copy(), network.b(1).copy(), network.W(2).copy()
    recorder = Recorder(network)
    network.set_width(1, 6)  # grow
    assert recorder.events == [("layer_changed", 1)]
    assert network.W(1).shape == (6, 3) and network.b(1).shape == (6,) and network.W(2).shape == (2, 6)
    np.testing.assert_array_equal(network.W(1)[:4, :], W1)
    np.testing.assert_array_equal(network.b(1)[:4], b1)
    np.testing.assert_array_equal(network.W(2)[:, :4], W2)
    np.testing.assert_array_equal(network.b(1)[4:], 0.0)
    assert np.any(network.W(1)[4:, :] != 0)  # the new rows are drawn fresh, not zeros
    network.set_width(1, 2)  # shrink
    np.testing.assert_array_equal(network.W(1), W1[:2, :])
    np.testing.assert_array_equal(network.b(1), b1[:2])
    np.testing.assert_array_equal(network.W(2), W2[:, :2])


def test_set_width_of_input_and_output_layers():
    network = Network([3, 4, 2], ["tanh"], seed=3)
    W1, W2 = network.W(1).copy(), network.W(2).copy()
    network.set_width(0, 5)
    assert network.W(1).shape == (4, 5)
    np.testing.assert_array_equal(network.W(1)[:, :3], W1)
    network.set_width(2, 1)
    np.testing.assert_array_equal(network.W(2), W2[:1, :])


def test_set_width_same_width_emits_nothing_and_bad_width_is_refused():
    network = Network([3, 4, 2], ["tanh"])
    recorder = Recorder(network)
    network.set_width(1, 4)
    assert recorder.events == []
    with pytest.raises(NetworkError, match="between 1"):
        network.set_width(1, 0)
    with pytest.raises(NetworkError, match="no layer 3"):
        network.set_width(3, 2)
    assert recorder.events == []


def test_set_activation_emits():
    network = Network([3, 4, 2], ["tanh"])
    recorder = Recorder(network)
    network.set_activation(1, "relu")
    assert recorder.events == [("layer_changed", 1)]
    assert network.activations == ["relu"]
    with pytest.raises(NetworkError):
        network.set_activation(2, "relu")  # the output layer's function comes from the loss


def test_move_layer_emits_and_keeps_shapes_consistent():
    network = Network([3, 4, 5, 6, 2], ["tanh", "relu", "sigmoid"], seed=1)
    recorder = Recorder(network)
    network.move_layer(1, 3)
    assert recorder.events == [("layers_moved", 1, 3)]
    assert network.sizes == [3, 5, 6, 4, 2]
    assert network.activations == ["relu", "sigmoid", "tanh"]
    for k in range(1, network.depth + 1):
        assert network.W(k).shape == (network.sizes[k], network.sizes[k - 1])
        assert network.b(k).shape == (network.sizes[k],)


def test_move_layer_to_same_place_emits_nothing():
    network = Network([3, 4, 5, 2], ["tanh", "relu"])
    recorder = Recorder(network)
    network.move_layer(1, 1)
    assert recorder.events == []


def test_set_loss_emits():
    network = Network([3, 4, 2], ["tanh"])
    recorder = Recorder(network)
    network.set_loss("squared_error")
    assert recorder.events == [("loss_changed", "squared_error")] and network.loss == "squared_error"


def test_parameter_edits_emit():
    network = Network([3, 4, 2], ["tanh"])
    recorder = Recorder(network)
    network.set_weight(2, 1, 3, 0.5)
    network.set_bias(1, 0, -0.25)
    network.set_parameters([W * 2 for W in network.weights], [b + 1 for b in network.biases])
    network.reinitialize()
    assert recorder.events == [("parameters_changed", 2), ("parameters_changed", 1),
                               ("parameters_changed", 0), ("parameters_changed", 0)]


def test_set_weight_indexes_row_unit_k_column_unit_k_minus_1():
    network = Network([3, 4, 2], ["tanh"])
    network.set_weight(1, 3, 2, 0.75)
    assert network.W(1)[3, 2] == 0.75
    with pytest.raises(NetworkError, match="finite"):
        network.set_weight(1, 0, 0, float("nan"))
    with pytest.raises(NetworkError, match="finite"):
        network.set_bias(1, 0, float("inf"))


# -- set_parameters --------------------------------------------------------------
def test_set_parameters_rejects_wrong_shapes():
    network = Network([3, 4, 2], ["tanh"])
    recorder = Recorder(network)
    before = [p.copy() for p in network.parameters()]
    W, b = [W.copy() for W in network.weights], [b.copy() for b in network.biases]
    with pytest.raises(NetworkError, match=r"W1 must have shape \(4, 3\)"):
        network.set_parameters([W[0].T, W[1]], b)  # the notes' inputs × outputs layout
    with pytest.raises(NetworkError, match=r"b2 must have shape \(2,\)"):
        network.set_parameters(W, [b[0], np.zeros(3)])
    with pytest.raises(NetworkError, match="expected 2 weight matrices"):
        network.set_parameters(W[:1], b[:1])
    assert recorder.events == []
    assert all(np.array_equal(p, q) for p, q in zip(before, network.parameters()))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_set_parameters_rejects_nan_and_inf(bad):
    network = Network([3, 4, 2], ["tanh"])
    W, b = [W.copy() for W in network.weights], [b.copy() for b in network.biases]
    W[1][0, 1] = bad
    with pytest.raises(NetworkError, match="NaN or infinite"):
        network.set_parameters(W, b)
    assert np.all(np.isfinite(network.W(2)))


def test_set_parameters_copies_its_input():
    network = Network([2, 2], [])
    W = [np.array([[1.0, 2.0], [3.0, 4.0]])]
    network.set_parameters(W, [np.zeros(2)])
    W[0][0, 0] = 99.0
    assert network.W(1)[0, 0] == 1.0
