"""Grading an answer to each kind of question, with feedback a learner can act on.

Expected numbers and signs come from the engine's trace of the lesson's network (the
quantity a question names), never from a number copied into the lesson.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from core.engine.passes import Trace
from core.lesson.quantities import value_of
from core.lesson.questions import GOAL_METRICS, ChoiceQuestion, GoalQuestion, NumberQuestion, Question, SignsQuestion
from core.stepthrough.notation import Element, text
from core.stepthrough.numbers import number

ZERO = 5e-5  # |v| below this rounds to 0.0000: answering 0 or its sign both count
MAX_ANSWER = 200  # characters of an answer kept


@dataclass(frozen=True)
class Verdict:
    """The grade of one answer.

    Attributes
    ----------
    correct : bool
    message : str
        Feedback for the learner (plain text), without giving the answer away when wrong.
    expected : str
        The right answer as text (shown on Reveal, and in the summary).
    marks : tuple of bool
        For a signs question: which units were right.
    """

    correct: bool
    message: str
    expected: str
    marks: tuple[bool, ...] = ()


@dataclass(frozen=True)
class GoalSnapshot:
    """What a goal is checked against: the dataset, the network's widths and the last epoch's figures."""

    dataset: str | None
    sizes: tuple[int, ...]
    metrics: dict[str, float | None] = field(default_factory=dict)  # train_loss, test_accuracy, …
    epoch: int = 0

    @property
    def hidden_units(self) -> int:
        return sum(self.sizes[1:-1])

    @property
    def hidden_layers(self) -> int:
        return max(0, len(self.sizes) - 2)


def parse_number(text: str) -> float | None:
    """A number typed by a person: −0.28, -0,28 (decimal comma), .5, 1e-3; None if it is not one."""
    cleaned = text.strip().replace("−", "-").replace("\u2009", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


_SIGN_WORDS = {"+": 1, "-": -1, "0": 0, "positive": 1, "negative": -1, "zero": 0, "pos": 1, "neg": -1}


def parse_signs(text: str) -> list[int] | None:
    """``+ - 0``, ``+-0``, ``+, -, 0`` or words; None if any piece is not a sign."""
    cleaned = text.strip().replace("−", "-").replace(",", " ").lower()
    pieces = cleaned.split() if any(w in cleaned for w in ("pos", "neg", "zero")) else list(cleaned.replace(" ", ""))
    signs = [_SIGN_WORDS.get(piece) for piece in pieces]
    return None if not signs or any(s is None for s in signs) else [int(s) for s in signs if s is not None]


def sign_text(signs) -> str:
    return " ".join({1: "+", -1: "-", 0: "0"}[int(s)] for s in signs)


def expected_number(question: NumberQuestion, trace: Trace | None) -> float:
    """The right answer: the number given, or the quantity's entry in ``trace``."""
    answer = question.answer
    if not isinstance(answer, Element):
        return float(answer)
    if trace is None:
        raise ValueError("this question's answer is computed from the network, which could not be traced")
    value = value_of(trace, answer.quantity)
    return float(value[answer.zero_based] if answer.index else value)


def grade_number(question: NumberQuestion, given: str, trace: Trace | None) -> Verdict:
    expected = expected_number(question, trace)
    what = question.answer.text() if isinstance(question.answer, Element) else "the value"
    shown = f"{what} = {number(expected)}"
    value = parse_number(given)
    if value is None:
        return Verdict(False, f"{given.strip()[:40]!r} is not a number (write it like -0.2843).", shown)
    if abs(value - expected) <= question.tolerance + 1e-12:
        return Verdict(True, f"Right: {shown}.", shown)
    return Verdict(False, f"Not quite: {number(value)} is off by more than {question.tolerance:g}.", shown)


def expected_signs(question: SignsQuestion, trace: Trace | None) -> np.ndarray:
    if trace is None:
        raise ValueError("this question's answer is computed from the network, which could not be traced")
    return np.asarray(value_of(trace, question.quantity), dtype=float)


def grade_signs(question: SignsQuestion, given: str, trace: Trace | None) -> Verdict:
    values = expected_signs(question, trace)
    actual = [0 if abs(v) < ZERO else int(np.sign(v)) for v in values]
    name = text(question.quantity)
    shown = f"signs of {name}: {sign_text(actual)}"
    signs = parse_signs(given)
    if signs is None:
        return Verdict(False, "Answer with one sign per unit: + for positive, - for negative, 0 for zero "
                       "(e.g. + - +).", shown)
    if len(signs) != len(values):
        return Verdict(False, f"{name} has {len(values)} units: give {len(values)} signs, not {len(signs)}.", shown)
    # a value that rounds to 0.0000 may be called 0 or given its exact sign
    marks = tuple(bool(s == a or (abs(v) < ZERO and s == int(np.sign(v)))) for s, a, v in zip(signs, actual, values))
    if all(marks):
        return Verdict(True, f"Right: {shown}.", shown, marks)
    wrong = [str(i) for i, ok in enumerate(marks, start=1) if not ok]
    units = "unit " + wrong[0] if len(wrong) == 1 else "units " + ", ".join(wrong)
    return Verdict(False, f"Not quite: {units} of {name} {'has' if len(wrong) == 1 else 'have'} the wrong sign.",
                   shown, marks)


def grade_choice(question: ChoiceQuestion, given: str) -> Verdict:
    right = question.options[question.answer - 1]
    shown = f"option {question.answer}: {right}"
    try:
        chosen = int(given.strip())
    except ValueError:
        chosen = 0
    if not 1 <= chosen <= len(question.options):
        return Verdict(False, "Choose one of the answers.", shown)
    if chosen == question.answer:
        return Verdict(True, "Right.", shown)
    return Verdict(False, "Not this one.", shown)


def goal_conditions(question: GoalQuestion, snapshot: GoalSnapshot) -> list[tuple[bool, str]]:
    """Each part of the goal with whether it holds now, in words ("needs" only for what does not)."""
    conditions = []

    def add(ok: bool, now: str, wanted: str) -> None:
        conditions.append((ok, f"{now} ({wanted})" if ok else f"{now} (needs {wanted})"))

    if question.dataset is not None:
        ok = snapshot.dataset == question.dataset
        conditions.append((ok, f"dataset {question.dataset}" if ok
                           else f"dataset {snapshot.dataset or 'none'} (needs {question.dataset})"))
    value = snapshot.metrics.get(question.metric)
    label = question.metric.replace("_", " ")
    accuracy = question.metric.endswith("accuracy")
    target = f"{GOAL_METRICS[question.metric]} {question.target:.0%}" if accuracy \
        else f"{GOAL_METRICS[question.metric]} {question.target:g}"
    if value is None or not math.isfinite(value):
        conditions.append((False, f"{label}: not measured yet (train the network)"))
    else:
        ok = value >= question.target if GOAL_METRICS[question.metric] == "at least" else value <= question.target
        add(ok, f"{label} {value:.1%}" if accuracy else f"{label} {value:.4g}", target)
    if question.max_hidden_units is not None:
        add(snapshot.hidden_units <= question.max_hidden_units, f"{snapshot.hidden_units} hidden units",
            f"at most {question.max_hidden_units}")
    if question.max_hidden_layers is not None:
        add(snapshot.hidden_layers <= question.max_hidden_layers, f"{snapshot.hidden_layers} hidden layers",
            f"at most {question.max_hidden_layers}")
    return conditions


def grade_goal(question: GoalQuestion, snapshot: GoalSnapshot) -> Verdict:
    conditions = goal_conditions(question, snapshot)
    shown = question.describe()
    if all(ok for ok, _ in conditions):
        return Verdict(True, "Goal reached: " + "; ".join(text for _, text in conditions) + ".", shown)
    missing = [text for ok, text in conditions if not ok]
    return Verdict(False, "Not yet: " + "; ".join(missing) + ".", shown)


def grade(question: Question, given: str, *, trace: Trace | None = None,
          snapshot: GoalSnapshot | None = None) -> Verdict:
    """Grade ``given`` (the answer as typed; a choice's number; ignored for a goal, checked on ``snapshot``)."""
    given = str(given)[:MAX_ANSWER]
    if isinstance(question, NumberQuestion):
        return grade_number(question, given, trace)
    if isinstance(question, SignsQuestion):
        return grade_signs(question, given, trace)
    if isinstance(question, ChoiceQuestion):
        return grade_choice(question, given)
    if isinstance(question, GoalQuestion):
        if snapshot is None:
            return Verdict(False, "Train the network first.", question.describe())
        return grade_goal(question, snapshot)
    raise TypeError(f"not a question: {question!r}")


def expected_text(question: Question, trace: Trace | None) -> str:
    """The right answer in words, for Reveal and the summary."""
    if isinstance(question, NumberQuestion):
        return grade_number(question, "", trace).expected
    if isinstance(question, SignsQuestion):
        return grade_signs(question, "", trace).expected
    if isinstance(question, ChoiceQuestion):
        return grade_choice(question, "").expected
    if isinstance(question, GoalQuestion):
        return question.describe()
    return ""
