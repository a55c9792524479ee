"""The step player: walks the steps of one forward pass, backward pass and update.

Qt-free. ``position`` is the number of steps revealed (0 … len(steps)); the canvas
shows the values of revealed quantities only. Steps can be taken one equation, one
layer or one whole pass at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

from psygnal import Signal

from core.engine.passes import Trace
from core.stepthrough.shown import computed
from core.stepthrough.steps import Step, build

GRANULARITIES = ("equation", "layer", "pass")


def block_of(step: Step) -> tuple[str, int]:
    """The layer-sized block a step belongs to: forward layer k, backward loop k, update k."""
    return (step.phase, step.k)


@dataclass(frozen=True)
class Group:
    start: int
    stop: int  # exclusive


class StepPlayer:
    """Position over the ordered steps, moved forward and back by a chosen granularity."""

    position_changed = Signal(int)

    def __init__(self, trace: Trace, *, lr: float = 0.1, include_update: bool = True) -> None:
        self.trace, self.lr = trace, lr
        self.steps: list[Step] = build(trace, lr=lr, include_update=include_update)
        self.position = 0
        self.granularity = "equation"

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def current(self) -> Step | None:
        """The step shown now: the last one revealed."""
        return self.steps[self.position - 1] if self.position > 0 else None

    @property
    def at_end(self) -> bool:
        return self.position >= len(self.steps)

    def revealed(self) -> set[str]:
        """Names of the quantities computed so far (the steps' writes; not the given sample)."""
        return {name for s in self.steps[: self.position] for name in s.writes}

    def known(self) -> set[str]:
        """What may be shown now: the sample (h0, y) and everything computed so far."""
        return computed(self.steps, self.position)

    def groups(self, granularity: str | None = None) -> list[Group]:
        granularity = granularity or self.granularity
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
        key = {"equation": lambda i, s: i,
               "layer": lambda i, s: block_of(s),
               "pass": lambda i, s: s.phase}[granularity]
        groups, start = [], 0
        for index in range(1, len(self.steps) + 1):
            if index == len(self.steps) or key(index, self.steps[index]) != key(index - 1, self.steps[index - 1]):
                groups.append(Group(start, index))
                start = index
        return groups

    def seek(self, position: int) -> None:
        position = max(0, min(len(self.steps), int(position)))
        if position != self.position:
            self.position = position
            self.position_changed.emit(position)

    def step_forward(self) -> None:
        """Reveal up to the end of the next group."""
        for group in self.groups():
            if group.stop > self.position:
                self.seek(group.stop)
                return

    def step_back(self) -> None:
        """Hide back to the end of the previous group."""
        ends = [0] + [g.stop for g in self.groups()]
        earlier = [e for e in ends if e < self.position]
        self.seek(earlier[-1] if earlier else 0)

    def to_start(self) -> None:
        self.seek(0)

    def to_end(self) -> None:
        self.seek(len(self.steps))

    def index_of(self, quantity: str) -> int:
        """Position right after the step named ``quantity`` (or writing it: b1 is the W1 update)."""
        for index, step in enumerate(self.steps):
            if step.quantity == quantity:
                return index + 1
        for index, step in enumerate(self.steps):
            if quantity in step.writes:
                return index + 1
        raise KeyError(quantity)
