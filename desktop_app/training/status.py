"""The training status line: every number labelled (train or test, loss or accuracy)."""
from __future__ import annotations

import numpy as np

from core.stepthrough.numbers import figures

from .history import TrainingHistory


def progress_line(history: TrainingHistory, penalty: tuple[str, float] | None = None) -> str:
    """'Epoch 12 · step 192 · batch loss 0.1 · train loss 0.12, accuracy 95% · test loss 0.13, accuracy 92%';
    with a ``penalty`` (regularizer, λ) the line says the losses include it."""
    parts = [f"Epoch {history.last_epoch:,}", f"step {history.last_step:,}"]
    if history.n_steps:
        parts.append(f"batch loss {figures(history.step_loss.values[-1])}")
    if history.n_epochs:
        for name, loss, accuracy in (("train", history.train_loss, history.train_accuracy),
                                     ("test", history.test_loss, history.test_accuracy)):
            value, share = loss.values[-1], accuracy.values[-1]
            if np.isnan(value):
                continue
            text = f"{name} loss {figures(value)}"
            if not np.isnan(share):
                text += f", {name} accuracy {share:.0%}"
            parts.append(text)
    if penalty is not None and penalty[1] and (history.n_steps or history.n_epochs):
        parts.append(f"losses include λ Σₖ R(Wₖ) of {penalty[0]}, λ = {penalty[1]:g}")  # L + λ Σ_k R(W_k)
    return " · ".join(parts)
