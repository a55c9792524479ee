"""Warnings about a run that goes wrong without NaN: a loss that grows instead of falling."""
from __future__ import annotations

from collections.abc import Sequence

RISING_EPOCHS = 5  # a train loss higher each epoch this many times in a row …
RISE = 1.5  # … and this many times its lowest value so far is a diverging run
BLOWN_UP = 10.0  # a train loss this many times its lowest so far has blown up


def loss_warning(train_losses: Sequence[float]) -> str | None:
    """Why the train losses (one per epoch, in order) look like a diverging run, or None."""
    if len(train_losses) < 2:
        return None
    last, lowest = train_losses[-1], min(train_losses)
    if last > BLOWN_UP * lowest and last > BLOWN_UP * train_losses[0]:
        return (f"the train loss is {last:.4g}, {last / lowest:.3g} times its lowest ({lowest:.4g}): training is "
                "diverging; try a smaller learning rate")
    recent = list(train_losses[-RISING_EPOCHS - 1:])
    if len(recent) > RISING_EPOCHS and all(b > a for a, b in zip(recent, recent[1:])) and last > RISE * lowest:
        return (f"the train loss has grown for {RISING_EPOCHS} epochs in a row ({recent[0]:.4g} → {last:.4g}; "
                f"lowest {lowest:.4g}): training is diverging; try a smaller learning rate")
    return None
