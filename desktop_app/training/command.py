"""Undoable parameter changes made by training and Reset."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoCommand

from core.engine.network import Network

MERGE_ID = 0x7261  # consecutive training runs merge into one undo step


class ParametersCommand(QUndoCommand):
    """Replace every W_k and b_k; undo puts the previous ones back.

    The change has already happened when the command is pushed, so the first
    ``redo`` (called by ``QUndoStack.push``) only re-applies the same values.
    """

    def __init__(self, network: Network, before, after, text: str, *, mergeable: bool = False) -> None:
        super().__init__(text)
        self.network = network
        self.before = ([W.copy() for W in before[0]], [b.copy() for b in before[1]])
        self.after = ([W.copy() for W in after[0]], [b.copy() for b in after[1]])
        self.mergeable = mergeable

    def id(self) -> int:
        return MERGE_ID if self.mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, ParametersCommand) and other.mergeable and self.mergeable):
            return False
        self.after = other.after
        return True

    def _apply(self, params) -> None:
        if [W.shape for W in self.network.weights] == [W.shape for W in params[0]]:
            self.network.set_parameters(*params)

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)


def parameters_of(network: Network) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Copies of the network's (weights, biases)."""
    return [W.copy() for W in network.weights], [b.copy() for b in network.biases]


class TrainingUndo:
    """Puts what training did to the weights on the undo stack: one step per stretch of training.

    ``begin`` notes the weights training starts from; ``commit`` pushes the change since
    then (consecutive training commits merge into one undo step).
    """

    def __init__(self) -> None:
        self.before: tuple[list[np.ndarray], list[np.ndarray]] | None = None

    def begin(self, network: Network) -> None:
        self.before = parameters_of(network)

    def commit(self, network: Network, undo_stack, label: str) -> None:
        """Push ``before`` → the network's weights now, if they differ."""
        before = self.before
        if before is None:
            return
        after = parameters_of(network)
        self.before = after
        if [W.shape for W in before[0]] != [W.shape for W in after[0]]:
            return  # the structure changed since: that edit is the undo step
        if all(np.array_equal(x, y) for x, y in zip(before[0] + before[1], after[0] + after[1])):
            return
        undo_stack.push(ParametersCommand(network, before, after, label, mergeable=True))
