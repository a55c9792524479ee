"""One position of the step player as the screen shows it: the step, its highlight and
explanation, what is computed so far and what each layer's neurons show."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.stepthrough.explain import Explanation, explain
from core.stepthrough.highlight import Highlight, highlight
from core.stepthrough.player import StepPlayer
from core.stepthrough.shown import neuron_quantities
from core.stepthrough.steps import Step


@dataclass
class StepView:
    """What the canvas, the formula panel and the inspector need for one position."""

    step: Step | None
    highlight: Highlight | None
    revealed: frozenset  # names of the quantities computed so far
    explanation: Explanation | None
    known: frozenset = frozenset()  # what may be shown: the sample and what is computed
    shown: dict = field(default_factory=dict)  # layer -> the quantity its neurons show


def step_view(player: StepPlayer | None) -> StepView:
    """The view of ``player``'s current position (an empty view without a player)."""
    if player is None:
        return StepView(None, None, frozenset(), None)
    revealed, known = frozenset(player.revealed()), frozenset(player.known())
    shown = neuron_quantities(player.steps, player.position, player.trace.depth)
    step = player.current
    if step is None:
        return StepView(None, None, revealed, None, known, shown)
    return StepView(step, highlight(step, player.trace.network.sizes), revealed,
                    explain(step, player.trace, lr=player.lr), known, shown)
