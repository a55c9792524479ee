"""Every edit of the network as a QUndoCommand on the Qt-free :class:`core.engine.network.Network`.

Old values are read when the command runs (not when it is built), so a command
built ahead of earlier ones still reverts exactly. Structural edits re-draw weights
(fresh Glorot values for new blocks), so each command
snapshots every W_k and b_k before its first ``redo`` and after it: ``undo`` restores
the exact previous parameters and a later ``redo`` the exact same new ones.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoCommand

from core.engine.network import Network
from core.stepthrough.notation import Element
from core.stepthrough.numbers import number

Snapshot = tuple[list[np.ndarray], list[np.ndarray]]


def snapshot(network: Network) -> Snapshot:
    """Copies of [W_1 … W_L] and [b_1 … b_L]."""
    return [W.copy() for W in network.weights], [b.copy() for b in network.biases]


class NetworkCommand(QUndoCommand):
    """Base: runs :meth:`apply` / :meth:`revert` and restores parameter snapshots.

    Parameters
    ----------
    network : Network
        The model the command edits.
    text : str
        What the Edit menu shows ("Insert hidden layer", …).
    """

    #: False for edits that change one known number (their revert is exact by itself)
    snapshots = True

    def __init__(self, network: Network, text: str) -> None:
        super().__init__(text)
        self.network = network
        self._before: Snapshot | None = None
        self._after: Snapshot | None = None

    def apply(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def redo(self) -> None:
        if not self.snapshots:
            self.apply()
            return
        if self._before is None:
            self._before = snapshot(self.network)
        self.apply()
        if self._after is None:
            self._after = snapshot(self.network)
        elif not _same(self._after, self.network):
            self.network.set_parameters(*_copy(self._after))

    def undo(self) -> None:
        self.revert()
        if self.snapshots and self._before is not None and not _same(self._before, self.network):
            self.network.set_parameters(*_copy(self._before))


def _copy(snap: Snapshot) -> Snapshot:
    return [W.copy() for W in snap[0]], [b.copy() for b in snap[1]]


def _same(snap: Snapshot, network: Network) -> bool:
    weights, biases = snap
    return (len(weights) == len(network.weights)
            and all(np.array_equal(A, B) for A, B in zip(weights, network.weights))
            and all(np.array_equal(A, B) for A, B in zip(biases, network.biases)))


class InsertLayer(NetworkCommand):
    """Insert a hidden layer so that it becomes layer ``index``."""

    def __init__(self, network: Network, index: int, width: int = 4, activation: str = "tanh") -> None:
        super().__init__(network, f"Insert hidden layer ({width} × {activation})")
        self.index, self.width, self.activation = index, width, activation

    def apply(self) -> None:
        self.network.insert_layer(self.index, self.width, self.activation)

    def revert(self) -> None:
        self.network.remove_layer(self.index)


class RemoveLayer(NetworkCommand):
    """Remove hidden layer ``index``."""

    def __init__(self, network: Network, index: int) -> None:
        super().__init__(network, f"Delete hidden layer {index}")
        self.index = index
        self.layer = None

    def apply(self) -> None:
        self.layer = self.network.layers[self.index]
        self.network.remove_layer(self.index)

    def revert(self) -> None:
        self.network.insert_layer(self.index, self.layer.width, self.layer.activation)


class SetWidth(NetworkCommand):
    """Change n_index, the width of layer ``index``."""

    def __init__(self, network: Network, index: int, width: int) -> None:
        super().__init__(network, f"Set width of layer {index} to {width}")
        self.index, self.width = index, int(width)
        self.old_width = network.layers[index].width

    def apply(self) -> None:
        self.old_width = self.network.layers[self.index].width
        self.network.set_width(self.index, self.width)

    def revert(self) -> None:
        self.network.set_width(self.index, self.old_width)


class SetActivation(NetworkCommand):
    """Set the activation g of hidden layer ``index``."""

    snapshots = False

    def __init__(self, network: Network, index: int, activation: str) -> None:
        super().__init__(network, f"Set activation of layer {index} to {activation}")
        self.index, self.activation = index, activation
        self.old_activation = network.layers[index].activation

    def apply(self) -> None:
        self.old_activation = self.network.layers[self.index].activation
        self.network.set_activation(self.index, self.activation)

    def revert(self) -> None:
        self.network.set_activation(self.index, self.old_activation)


class SetLoss(NetworkCommand):
    """Set the loss (and with it the output function O)."""

    snapshots = False

    def __init__(self, network: Network, loss: str) -> None:
        super().__init__(network, f"Set loss to {loss}")
        self.loss, self.old_loss = loss, network.loss

    def apply(self) -> None:
        self.old_loss = self.network.loss
        self.network.set_loss(self.loss)

    def revert(self) -> None:
        self.network.set_loss(self.old_loss)


class MoveLayer(NetworkCommand):
    """Move hidden layer ``old`` to position ``new``."""

    def __init__(self, network: Network, old: int, new: int) -> None:
        super().__init__(network, f"Move hidden layer {old} to position {new}")
        self.old, self.new = old, new

    def apply(self) -> None:
        self.network.move_layer(self.old, self.new)

    def revert(self) -> None:
        self.network.move_layer(self.new, self.old)


class SetWeight(NetworkCommand):
    """Set one weight W_{k,i,j} (0-based i, j here; the GUI shows them 1-based)."""

    snapshots = False

    def __init__(self, network: Network, k: int, i: int, j: int, value: float) -> None:
        super().__init__(network, f"Set {Element(f'W{k}', (i + 1, j + 1)).text()} = {number(value)}")
        self.k, self.i, self.j, self.value = k, i, j, float(value)
        self.old_value = float(network.W(k)[i, j])

    def apply(self) -> None:
        self.old_value = float(self.network.W(self.k)[self.i, self.j])
        self.network.set_weight(self.k, self.i, self.j, self.value)

    def revert(self) -> None:
        self.network.set_weight(self.k, self.i, self.j, self.old_value)


class SetBias(NetworkCommand):
    """Set one bias b_k[i] (0-based i)."""

    snapshots = False

    def __init__(self, network: Network, k: int, i: int, value: float) -> None:
        super().__init__(network, f"Set {Element(f'b{k}', (i + 1,)).text()} = {number(value)}")
        self.k, self.i, self.value = k, i, float(value)
        self.old_value = float(network.b(k)[i])

    def apply(self) -> None:
        self.old_value = float(self.network.b(self.k)[self.i])
        self.network.set_bias(self.k, self.i, self.value)

    def revert(self) -> None:
        self.network.set_bias(self.k, self.i, self.old_value)


class SetFeatures(NetworkCommand):
    """Use these input features h_0 = φ(x) (None: the raw inputs, h_0 = x)."""

    def __init__(self, network: Network, features: list[str] | None) -> None:
        text = "Use the raw inputs" if features is None else f"Use the input features {', '.join(features)}"
        super().__init__(network, text)
        self.features = None if features is None else list(features)
        self.old_features = network.features
        self.width = network.input_width

    def apply(self) -> None:
        self.old_features = self.network.features
        self.network.set_features(self.features, self.width)

    def revert(self) -> None:
        self.network.set_features(self.old_features, self.width)
