"""Check yourself: before a step is revealed, the learner gives one entry's value or sign."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.stepthrough.steps import Step

ABSOLUTE = 5e-4  # an answer rounded to 3 decimals counts
RELATIVE = 0.01


@dataclass(frozen=True)
class Question:
    step: Step
    index: tuple[int, ...]  # entry of the step's values (first sample for vectors)
    kind: str  # "value" or "sign"

    @property
    def answer(self) -> float:
        values = np.asarray(self.step.values)
        if values.ndim == 2 and not self.step.quantity.startswith(("grad_W", "W")):
            values = values[0]
        return float(values[self.index])

    def prompt(self) -> str:
        entry = ", ".join(str(i + 1) for i in self.index)
        name = self.step.quantity.replace("grad_", "∇")
        what = "the value" if self.kind == "value" else "the sign (+, - or 0)"
        return f"Before the step is shown: what is {what} of {name}[{entry}]?"


@dataclass(frozen=True)
class Verdict:
    correct: bool
    expected: float
    message: str


def pick_question(step: Step, rng: np.random.Generator, kind: str = "value") -> Question:
    """A random entry of what ``step`` writes."""
    values = np.asarray(step.values)
    if values.ndim == 2 and not step.quantity.startswith(("grad_W", "W")):
        values = values[0]
    index = tuple(int(i) for i in np.unravel_index(rng.integers(values.size), values.shape)) if values.ndim else ()
    return Question(step, index, kind)


def grade(question: Question, given: str) -> Verdict:
    """Right within ±0.0005 or 1 %; a sign answer compares signs (|v| < 0.00005 counts as 0)."""
    expected = question.answer
    text = given.strip().replace("−", "-")
    if question.kind == "sign":
        sign = {"+": 1, "-": -1, "0": 0, "positive": 1, "negative": -1, "zero": 0}.get(text.lower())
        if sign is None:
            return Verdict(False, expected, "Answer with +, - or 0.")
        actual = 0 if abs(expected) < 5e-5 else int(np.sign(expected))
        ok = sign == actual
        return Verdict(ok, expected, f"{'Right' if ok else 'Not quite'}: the value is {expected:.4f}.")
    try:
        value = float(text)
    except ValueError:
        return Verdict(False, expected, f"{given!r} is not a number.")
    ok = abs(value - expected) <= max(ABSOLUTE, RELATIVE * abs(expected))
    return Verdict(ok, expected, f"{'Right' if ok else 'Not quite'}: the value is {expected:.4f}.")
