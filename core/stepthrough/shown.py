"""What the canvas may show at a position of the step player: no spoilers.

Each layer's neurons show the latest quantity written on them so far, in the true step
order (∇a_k after ∇h_k, since ∇a_k = ∇h_k ⊙ g'(a_k) is computed from ∇h_k); nothing not
yet computed is shown. The input h_0 = x is given, so it shows from the start.
"""
from __future__ import annotations

from core.stepthrough.highlight import place
from core.stepthrough.steps import Step

GIVEN = ("h0", "y")  # the sample itself: known before any step


def computed(steps: list[Step], position: int) -> set[str]:
    """Names of every quantity known after ``position`` steps (the sample and the parameters
    count as known; an update step's new W_k and b_k replace the old only for the canvas)."""
    known = set(GIVEN)
    for step in steps[:position]:
        known.update(step.writes)
    return known


def neuron_quantities(steps: list[Step], position: int, depth: int) -> dict[int, str]:
    """Layer k -> the quantity its neurons show after ``position`` steps (absent: blank)."""
    shown = {0: "h0"}
    for step in steps[:position]:
        for name in step.writes:
            where = place(name, depth)
            if where is not None and where[0] == "neurons":
                shown[where[1]] = name
    return shown
