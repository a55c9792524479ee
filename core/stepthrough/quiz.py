"""Check yourself: before a step is revealed, the learner gives one entry's value or sign.

The question is about what the step writes (the step table's first output), named with
the element notation of :mod:`core.stepthrough.notation` (∂L/∂h₂,₁, W₁,₃,₁ …).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.stepthrough.explain import sample_values
from core.stepthrough.notation import Element
from core.stepthrough.numbers import number
from core.stepthrough.steps import Step

ABSOLUTE = 5e-4  # an answer rounded to 3 decimals counts
RELATIVE = 0.01
KINDS = ("value", "sign")
PLACEHOLDERS = {"value": "a number, e.g. -0.28", "sign": "+, - or 0"}
SIGNS = {"+": 1, "-": -1, "0": 0, "positive": 1, "negative": -1, "zero": 0, "pos": 1, "neg": -1}


@dataclass(frozen=True)
class Question:
    step: Step
    index: tuple[int, ...]  # 0-based entry of the step's values (first sample for vectors)
    kind: str  # "value" or "sign"

    @property
    def answer(self) -> float:
        values = np.asarray(sample_values(self.step))
        return float(values[self.index])

    @property
    def element(self) -> Element:
        return Element(self.step.quantity, tuple(i + 1 for i in self.index))

    def prompt(self) -> str:
        what = "the value" if self.kind == "value" else "the sign (+, - or 0)"
        return f"Before the step is shown: what is {what} of {self.element.text()}?"

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.kind]


@dataclass(frozen=True)
class Verdict:
    correct: bool
    expected: float
    message: str
    accepted: bool = True  # False: no answer to grade (empty, or not a number): ask again


def pick_question(step, rng: np.random.Generator, kind: str = "value") -> Question:
    """A random entry of what ``step`` writes."""
    values = np.asarray(sample_values(step))
    index = tuple(int(i) for i in np.unravel_index(rng.integers(values.size), values.shape)) if values.ndim else ()
    return Question(step, index, kind)


def grade(question: Question, given: str) -> Verdict:
    """Right within ±0.0005 or 1 %; a sign answer compares signs (|v| < 0.00005 counts as 0).

    An empty answer, or one that is not a number (or a sign), is not graded: ``accepted`` is
    False and the message says what to type.
    """
    expected = question.answer
    text = given.strip().replace("−", "-")
    shown = number(expected)
    if not text:
        return Verdict(False, expected, f"Type {PLACEHOLDERS[question.kind]} first.", accepted=False)
    if question.kind == "sign":
        sign = SIGNS.get(text.lower())
        if sign is None:
            return Verdict(False, expected, "Answer with +, - or 0.", accepted=False)
        actual = 0 if abs(expected) < 5e-5 else int(np.sign(expected))
        return _verdict(sign == actual, expected, shown)
    try:
        value = float(text)
    except ValueError:
        return Verdict(False, expected, f"{given.strip()!r} is not a number.", accepted=False)
    if not np.isfinite(value):
        return Verdict(False, expected, "Type a finite number.", accepted=False)
    return _verdict(abs(value - expected) <= max(ABSOLUTE, RELATIVE * abs(expected)), expected, shown)


def _verdict(ok: bool, expected: float, shown: str) -> Verdict:
    """Right shows the value; wrong keeps it hidden for another try (Reveal shows it)."""
    if ok:
        return Verdict(True, expected, f"Right: the value is {shown}.")
    return Verdict(False, expected, "Not quite. Try again, or press Reveal to see the value.")


@dataclass
class Score:
    """The learner's score over one pass: right at the first try, asked, revealed."""

    asked: int = 0
    right: int = 0
    revealed: int = 0

    def record(self, verdict: Verdict, *, first_try: bool) -> None:
        if verdict.accepted and verdict.correct and first_try:
            self.right += 1

    def text(self) -> str:
        extra = f", {self.revealed} revealed" if self.revealed else ""
        return f"Score: {self.right} / {self.asked} right at the first try{extra}"
