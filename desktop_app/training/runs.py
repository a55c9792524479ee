"""Kept runs: the curves of an earlier run, frozen, to compare with the next one.

"Keep this run" copies the current history's curves into a :class:`KeptRun` labelled by
what sets the run apart (activations, depth, optimizer); the plots draw it as ghost
lines. The list shows each kept run with its setup and removes it on request.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from core.engine.network import Network
from core.stepthrough.numbers import figures
from core.training.setup import TrainingSetup

from ..plain_text import tooltip
from .history import TrainingHistory

GHOST_COLOURS = ["#8c8c8c", "#b5a000", "#17becf", "#d66ebd", "#8c564b", "#6a8f3a"]
MAX_RUNS = len(GHOST_COLOURS)


@dataclass
class KeptRun:
    """The curves of one run and what it was."""

    label: str
    description: str
    colour: str
    epoch: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    step: np.ndarray
    grad_norms: np.ndarray  # (steps, L)


def run_label(network: Network, setup: TrainingSetup) -> str:
    """'sigmoid, 6 layers, sgd': the hidden activations, the number of hidden layers, the optimizer
    (and the regularizer with its rate, when one is set)."""
    activations = Counter(network.activations)
    if not activations:
        kind = "no hidden layer"
    else:
        kind = "/".join(name for name, _ in activations.most_common())
        kind += f", {network.depth - 1} layer{'s' if network.depth > 2 else ''}"
    penalty = f", {setup.regularization} {setup.rate:g}" if setup.regularization else ""
    return f"{kind}, {setup.optimizer}{penalty}"


def run_description(network: Network, setup: TrainingSetup, history: TrainingHistory) -> str:
    """The whole setup in a few lines (the list's tool tip)."""
    hyper = ", ".join(f"{k} {v:g}" for k, v in setup.hyperparameters.items())
    lines = [f"network {'-'.join(map(str, network.sizes))}, activations {', '.join(network.activations) or '—'}, "
             f"loss {network.loss}",
             f"data {setup.dataset} (seed {setup.seed}, test {setup.test_fraction:.0%}), batch {setup.batch_size}",
             *([f"input features {', '.join(network.features)}"] if network.features else []),
             f"optimizer {setup.optimizer} ({hyper})"]
    if setup.regularization:
        lines.append(f"regularisation {setup.regularization}, rate {setup.rate:g}")
    if history.n_epochs:
        lines.append(f"{history.last_epoch} epochs: train loss {figures(history.train_loss.values[-1])}")
    return "\n".join(lines)


def keep(history: TrainingHistory, network: Network, setup: TrainingSetup, colour: str) -> KeptRun:
    """Freeze ``history``'s curves (copies) as a kept run."""
    norms = history.grad_norms.values.copy() if history.grad_norms is not None else np.empty((0, 0))
    return KeptRun(run_label(network, setup), run_description(network, setup, history), colour,
                   history.epoch.values.copy(), history.train_loss.values.copy(), history.test_loss.values.copy(),
                   history.step.values.copy(), norms)


class KeptRuns(QWidget):
    """The list of kept runs, with Remove.

    Signals
    -------
    changed(list)
        The kept runs now (after one was added, renamed or removed).
    """

    changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: list[KeptRun] = []
        self.list = QListWidget()
        self.list.setMaximumHeight(84)
        self.list.setToolTip("Runs kept for comparison: their curves are the grey ghost lines in the plots. "
                             "Double-click a name to change it.")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected kept run from the plots")
        self.remove_button.setEnabled(False)
        buttons = QVBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.list.selectedItems())))
        self.list.itemChanged.connect(self._renamed)
        self.setVisible(False)

    def add(self, history: TrainingHistory, network: Network, setup: TrainingSetup) -> KeptRun | None:
        """Keep ``history``'s curves (the oldest kept run goes when the list is full)."""
        if history.n_steps == 0:
            return None
        if len(self.runs) >= MAX_RUNS:
            self.runs.pop(0)
        used = {run.colour for run in self.runs}
        colour = next(c for c in GHOST_COLOURS if c not in used)
        run = keep(history, network, setup, colour)
        self.runs.append(run)
        self._refill()
        return run

    def remove_selected(self) -> None:
        rows = sorted((self.list.row(item) for item in self.list.selectedItems()), reverse=True)
        for row in rows:
            del self.runs[row]
        self._refill()

    def clear(self) -> None:
        self.runs = []
        self._refill()

    def _refill(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for run in self.runs:
            item = QListWidgetItem(f"■ {run.label}")
            item.setForeground(QColor(run.colour))  # the colour of its ghost lines
            item.setToolTip(tooltip(run.description))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.setVisible(bool(self.runs))
        self.remove_button.setEnabled(False)
        self.changed.emit(list(self.runs))

    def _renamed(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        label = item.text().removeprefix("■ ").strip()
        if 0 <= row < len(self.runs) and label:
            self.runs[row].label = label
            self.changed.emit(list(self.runs))
