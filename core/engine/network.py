"""The network model: layers, activations, loss and parameters, with Qt-free edit events.

Layer 0 is the input (no activation); layers 1 … L-1 are hidden (one activation each);
layer L is the output, whose function O is fixed by the loss. W_k has shape
(n_k, n_{k-1}) and b_k shape (n_k,), as in a_k = b_k + W_k h_{k-1}.

Input features: without them h_0 = x. With ``features`` (names of feature plugins, such
as ``x1``, ``x1_squared``, ``sin_x2``) the input layer holds h_0 = φ(x), one unit per
feature, computed from the ``input_width`` raw inputs x; a network without features reads
x_1 … x_n as if its features were named ``x1`` … ``xn`` (so switching features on keeps
the weights of those inputs).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from psygnal import Signal

MAX_WIDTH = 4096  # units in one layer
MAX_LAYERS = 64  # n_0 … n_L: an input, at most 62 hidden layers and an output
MAX_PARAMETERS = 20_000_000  # every W_k and b_k together: 160 MB of float64 per copy


class NetworkError(ValueError):
    """An edit or a description that does not make a valid network."""


@dataclass(frozen=True)
class Layer:
    width: int
    activation: str | None  # None for the input and the output layer


def _check_width(width: int) -> int:
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)):
        raise NetworkError(f"a layer width must be a whole number, not {width!r}")
    if not 1 <= int(width) <= MAX_WIDTH:
        raise NetworkError(f"a layer width must be between 1 and {MAX_WIDTH}, not {width}")
    return int(width)


def parameter_count(sizes: list[int]) -> int:
    """The number of entries of every W_k (n_k × n_{k-1}) and b_k (n_k)."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def size_problem(sizes: list[int]) -> str | None:
    """Why a network of these layer widths is too big to build, or None.

    Checked before anything is allocated (the file loader, ``new``, the canvas): at most
    ``MAX_LAYERS`` layers and ``MAX_PARAMETERS`` parameters (docs/file-format.md).
    """
    if len(sizes) > MAX_LAYERS:
        return (f"a network has at most {MAX_LAYERS} layers (input, {MAX_LAYERS - 2} hidden, output), "
                f"not {len(sizes)}")
    count = parameter_count(sizes)
    if count > MAX_PARAMETERS:
        return f"a network has at most {MAX_PARAMETERS:,} parameters (weights and biases), not {count:,}"
    return None


def max_width(sizes: list[int], k: int) -> int:
    """The widest layer k can be with the other widths kept (at most MAX_WIDTH)."""
    others = parameter_count(sizes[:k]) + parameter_count(sizes[k + 1:])
    inputs = sizes[k - 1] if k > 0 else 0
    outputs = sizes[k + 1] if k + 1 < len(sizes) else 0
    # parameters touching layer k: n_k (n_{k-1} + 1) into it (k > 0), n_{k+1} n_k out of it
    per_unit = (inputs + 1 if k > 0 else 0) + outputs
    return max(1, min(MAX_WIDTH, (MAX_PARAMETERS - others) // max(per_unit, 1)))


def _check_size(sizes: list[int]) -> None:
    problem = size_problem(sizes)
    if problem is not None:
        raise NetworkError(problem)


def _checked_features(features, input_width, n_0: int) -> tuple[list[str] | None, int]:
    """(features, input width) checked: names of text, no repeats, one per input unit."""
    if features is None:
        width = n_0 if input_width is None else input_width
        if width != n_0:
            raise NetworkError(f"without input features the input layer is the input: {n_0} unit(s), not {width}")
        return None, n_0
    if not isinstance(features, (list, tuple)) or not features:
        raise NetworkError("input features must be a non-empty list of names")
    features = list(features)
    for name in features:
        if not isinstance(name, str) or not name:
            raise NetworkError(f"an input feature must be given by its name, not {name!r}")
    if len(set(features)) != len(features):
        raise NetworkError("an input feature is listed twice")
    if len(features) != n_0:
        raise NetworkError(f"{len(features)} input feature(s) for an input layer of {n_0} unit(s)")
    width = 2 if input_width is None else input_width
    return features, _check_width(width)


def init_layer(rng: np.random.Generator, n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray]:
    """Glorot-uniform W_k (n_k × n_{k-1}) and zero b_k."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_out, n_in)), np.zeros(n_out)


class Network:
    """An ordered list of layers, a loss, parameters and a seed; edits emit events.

    Events (psygnal): ``layer_inserted(index)``, ``layer_removed(index)``,
    ``layer_changed(index)`` (width or activation), ``layers_moved(old, new)``,
    ``loss_changed(name)``, ``parameters_changed(k)`` (k = 0 means all layers).
    """

    layer_inserted = Signal(int)
    layer_removed = Signal(int)
    layer_changed = Signal(int)
    layers_moved = Signal(int, int)
    loss_changed = Signal(str)
    parameters_changed = Signal(int)

    def __init__(
        self,
        sizes: list[int],
        activations: list[str] | str = "tanh",
        loss: str = "softmax_cross_entropy",
        *,
        seed: int = 0,
        features: list[str] | None = None,
        input_width: int | None = None,
    ) -> None:
        sizes = list(sizes)
        if len(sizes) > MAX_LAYERS:  # before looking at thousands of entries
            _check_size(sizes)
        sizes = [_check_width(n) for n in sizes]
        _check_size(sizes)
        if len(sizes) < 2:
            raise NetworkError("a network needs at least an input and an output layer (two sizes)")
        hidden = len(sizes) - 2
        if isinstance(activations, str):
            activations = [activations] * hidden
        activations = list(activations)
        for name in activations:
            if not isinstance(name, str) or not name:
                raise NetworkError(f"an activation must be given by its name, not {name!r}")
        if len(activations) != hidden:
            raise NetworkError(
                f"{len(sizes)} layer sizes need {hidden} hidden activation(s), got {len(activations)}"
            )
        self.layers = [Layer(sizes[0], None)] + [Layer(n, g) for n, g in zip(sizes[1:-1], activations)]
        self.layers.append(Layer(sizes[-1], None))
        self.features, self.input_width = _checked_features(features, input_width, sizes[0])
        self.loss = loss
        self.seed = int(seed)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        self.reinitialize()

    # -- description -------------------------------------------------------------
    @property
    def sizes(self) -> list[int]:
        return [layer.width for layer in self.layers]

    @property
    def activations(self) -> list[str]:
        """The activation of each hidden layer 1 … L-1."""
        return [layer.activation for layer in self.layers[1:-1] if layer.activation is not None]

    @property
    def depth(self) -> int:
        """L, the number of weight layers."""
        return len(self.layers) - 1

    def W(self, k: int) -> np.ndarray:
        """W_k, shape (n_k, n_{k-1}), for k = 1 … L."""
        return self.weights[k - 1]

    def b(self, k: int) -> np.ndarray:
        """b_k, shape (n_k,), for k = 1 … L."""
        return self.biases[k - 1]

    def parameters(self) -> list[np.ndarray]:
        """[W_1, b_1, …, W_L, b_L], the order optimizers receive."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def copy(self) -> Network:
        clone = Network(self.sizes, self.activations, self.loss, seed=self.seed,
                        features=None if self.features is None else list(self.features), input_width=self.input_width)
        clone.set_parameters([W.copy() for W in self.weights], [b.copy() for b in self.biases])
        return clone

    def __repr__(self) -> str:
        features = "" if self.features is None else f", features={self.features}"
        return f"Network(sizes={self.sizes}, activations={self.activations}, loss={self.loss!r}{features})"

    # -- parameters --------------------------------------------------------------
    def reinitialize(self, seed: int | None = None) -> None:
        """Draw every W_k afresh from the seed; biases start at 0."""
        if seed is not None:
            self.seed = int(seed)
        rng = np.random.default_rng(self.seed)
        pairs = [init_layer(rng, n_out, n_in) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.weights = [W for W, _ in pairs]
        self.biases = [b for _, b in pairs]
        self.parameters_changed.emit(0)

    def _fresh_layer(self, k: int) -> None:
        n_out, n_in = self.layers[k].width, self.layers[k - 1].width
        rng = np.random.default_rng([self.seed, k, n_out, n_in])
        self.weights[k - 1], self.biases[k - 1] = init_layer(rng, n_out, n_in)

    def set_parameters(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Replace every W_k and b_k, checking shapes and finiteness."""
        if len(weights) != self.depth or len(biases) != self.depth:
            raise NetworkError(f"expected {self.depth} weight matrices and bias vectors")
        new_w, new_b = [], []
        for k, (W, b) in enumerate(zip(weights, biases), start=1):
            W, b = np.array(W, dtype=float), np.array(b, dtype=float)
            want = (self.layers[k].width, self.layers[k - 1].width)
            if W.shape != want:
                raise NetworkError(f"W{k} must have shape {want} (n_{k} × n_{k-1}), not {W.shape}")
            if b.shape != (want[0],):
                raise NetworkError(f"b{k} must have shape ({want[0]},), not {b.shape}")
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise NetworkError(f"W{k} or b{k} holds a NaN or infinite value")
            new_w.append(W)
            new_b.append(b)
        self.weights, self.biases = new_w, new_b
        self.parameters_changed.emit(0)

    def set_weight(self, k: int, i: int, j: int, value: float) -> None:
        """Set one entry w_k[i, j] (row i = unit of layer k, column j = unit of layer k-1)."""
        value = float(value)
        if not np.isfinite(value):
            raise NetworkError("a weight must be a finite number")
        self.W(k)[i, j] = value
        self.parameters_changed.emit(k)

    def set_bias(self, k: int, i: int, value: float) -> None:
        value = float(value)
        if not np.isfinite(value):
            raise NetworkError("a bias must be a finite number")
        self.b(k)[i] = value
        self.parameters_changed.emit(k)

    # -- structural edits --------------------------------------------------------
    def _check_hidden_index(self, index: int) -> None:
        if not 1 <= index <= len(self.layers) - 2:
            raise NetworkError(f"layer {index} is not a hidden layer (hidden layers are 1 … {len(self.layers) - 2})")

    def insert_layer(self, index: int, width: int, activation: str = "tanh") -> None:
        """Insert a hidden layer so that it becomes layer ``index`` (1 … L)."""
        width = _check_width(width)
        if not 1 <= index <= len(self.layers) - 1:
            raise NetworkError(f"a hidden layer can be inserted at positions 1 … {len(self.layers) - 1}, not {index}")
        _check_size(self.sizes[:index] + [width] + self.sizes[index:])
        self.layers.insert(index, Layer(width, activation))
        self.weights.insert(index - 1, np.zeros((0, 0)))
        self.biases.insert(index - 1, np.zeros(0))
        self._fresh_layer(index)
        self._fresh_layer(index + 1)
        self.layer_inserted.emit(index)

    def remove_layer(self, index: int) -> None:
        """Remove hidden layer ``index``; its neighbours are joined by fresh weights."""
        self._check_hidden_index(index)
        del self.layers[index]
        del self.weights[index - 1]
        del self.biases[index - 1]
        self._fresh_layer(index)
        self.layer_removed.emit(index)

    def set_width(self, index: int, width: int) -> None:
        """Change n_index; keeps the overlapping block of W and b, fills new entries fresh."""
        width = _check_width(width)
        if not 0 <= index < len(self.layers):
            raise NetworkError(f"there is no layer {index}")
        old = self.layers[index]
        if old.width == width:
            return
        if index == 0 and self.features is not None:
            raise NetworkError("the input layer has one unit per input feature: choose the features instead")
        _check_size(self.sizes[:index] + [width] + self.sizes[index + 1:])
        self.layers[index] = Layer(width, old.activation)
        for k in (index, index + 1):
            if 1 <= k <= self.depth:
                W_old, b_old = self.weights[k - 1], self.biases[k - 1]
                self._fresh_layer(k)
                rows = min(W_old.shape[0], self.weights[k - 1].shape[0])
                cols = min(W_old.shape[1], self.weights[k - 1].shape[1])
                self.weights[k - 1][:rows, :cols] = W_old[:rows, :cols]
                self.biases[k - 1][:rows] = b_old[:rows]
        if index == 0:
            self.input_width = width
        self.layer_changed.emit(index)

    def set_features(self, features: list[str] | None, input_width: int | None = None) -> None:
        """Use these input features, h_0 = φ(x) (None: h_0 = x); n_0 becomes their number.

        W_1's column of a feature kept (by name; the raw input x_j counts as ``x{j}``) is
        kept, and b_1; a new feature's column is drawn fresh. ``input_width`` is the number
        of raw inputs x (default: as before).
        """
        width = self.input_width if input_width is None else input_width
        features, width = _checked_features(features, width, len(features) if features else width)
        old_names = self.feature_names()
        new_names = features if features is not None else [f"x{j + 1}" for j in range(width)]
        _check_size([len(new_names)] + self.sizes[1:])
        W_old, b_old = self.weights[0], self.biases[0]
        self.layers[0] = Layer(len(new_names), None)
        self.features, self.input_width = features, width
        self._fresh_layer(1)
        self.biases[0] = b_old  # b_1 does not depend on the inputs
        for j, name in enumerate(new_names):
            if name in old_names:
                self.weights[0][:, j] = W_old[:, old_names.index(name)]
        self.layer_changed.emit(0)

    def feature_names(self) -> list[str]:
        """The names of the input units: the features, or ``x1`` … ``xn``."""
        return list(self.features) if self.features is not None else [f"x{j + 1}" for j in range(self.sizes[0])]

    def set_activation(self, index: int, activation: str) -> None:
        self._check_hidden_index(index)
        self.layers[index] = Layer(self.layers[index].width, activation)
        self.layer_changed.emit(index)

    def move_layer(self, old: int, new: int) -> None:
        """Move hidden layer ``old`` to position ``new``; the weights around both are re-drawn."""
        self._check_hidden_index(old)
        self._check_hidden_index(new)
        if old == new:
            return
        layer = self.layers.pop(old)
        self.layers.insert(new, layer)
        pairs = [init_layer(np.random.default_rng([self.seed, k, n_out, n_in]), n_out, n_in)
                 for k, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1)]
        for k, (W, b) in enumerate(pairs, start=1):
            if self.weights[k - 1].shape != W.shape or k in (old, old + 1, new, new + 1):
                self.weights[k - 1], self.biases[k - 1] = W, b
        self.layers_moved.emit(old, new)

    def set_loss(self, loss: str) -> None:
        self.loss = loss
        self.loss_changed.emit(loss)
