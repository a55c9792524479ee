"""The questions a lesson page may ask, and how each is read from and written to the file.

Four kinds (docs/file-format.md):

- ``number``: one number within a tolerance. The answer is either a number the teacher
  typed or, better, an element of a quantity of the lesson's network (``"answer":
  "grad_h2[1]"``) that the engine computes, so the expected value can never be a
  second, hand-copied number.
- ``signs``: the sign (+, - or 0) of each unit of a vector quantity.
- ``choice``: one of several options (``answer`` counts from 1).
- ``goal``: a training goal checked live ("reach 90 % test accuracy on spiral with at
  most 6 hidden units").

An element is named as in the rest of the app (core/stepthrough/notation.py): the quantity's
trace name with indices from 1, ``grad_h2[1]`` (∂L/∂h_{2,1}) or ``W1[3,1]`` (W_{1,3,1}).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.engine.network import Network
from core.lesson import fields as f
from core.lesson.fields import LessonFormatError
from core.lesson.quantities import check_element, quantity_shape
from core.stepthrough.notation import Element

KINDS = ("number", "signs", "choice", "goal")
# goal metrics: accuracies must reach the target, losses get down to it
GOAL_METRICS = {"test_accuracy": "at least", "train_accuracy": "at least",
                "test_loss": "at most", "train_loss": "at most"}
DEFAULT_TOLERANCE = 5e-4  # an answer rounded to 3 decimals counts
MAX_OPTIONS = 12


@dataclass(kw_only=True)
class Question:
    prompt: str
    explanation: str = ""  # shown once answered (right or, after Reveal, wrong)
    hint: str = ""  # shown after a wrong answer
    kind: str = field(init=False, default="")


@dataclass(kw_only=True)
class NumberQuestion(Question):
    answer: float | Element  # a number, or an element of a quantity the engine computes
    tolerance: float = DEFAULT_TOLERANCE

    def __post_init__(self) -> None:
        self.kind = "number"


@dataclass(kw_only=True)
class SignsQuestion(Question):
    quantity: str

    def __post_init__(self) -> None:
        self.kind = "signs"


@dataclass(kw_only=True)
class ChoiceQuestion(Question):
    options: list[str]
    answer: int  # 1-based

    def __post_init__(self) -> None:
        self.kind = "choice"


@dataclass(kw_only=True)
class GoalQuestion(Question):
    metric: str
    target: float
    dataset: str | None = None
    max_hidden_units: int | None = None
    max_hidden_layers: int | None = None

    def __post_init__(self) -> None:
        self.kind = "goal"

    def describe(self) -> str:
        """The goal in words: "test accuracy at least 90 % on spiral with at most 6 hidden units"."""
        value = f"{self.target:.0%}" if self.metric.endswith("accuracy") else f"{self.target:g}"
        text = f"{self.metric.replace('_', ' ')} {GOAL_METRICS[self.metric]} {value}"
        if self.dataset:
            text += f" on {self.dataset}"
        limits = []
        if self.max_hidden_units is not None:
            limits.append(f"at most {self.max_hidden_units} hidden units")
        if self.max_hidden_layers is not None:
            limits.append(f"at most {self.max_hidden_layers} hidden layers")
        return text + (" with " + " and ".join(limits) if limits else "")


def question_from_dict(data: Any, where: str) -> Question:
    """Read a question object; ``where`` names it in errors ("page 2, question")."""
    data = f.obj(data, where)
    kind = data.get("kind")
    if kind not in KINDS:
        raise LessonFormatError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, not {str(kind)[:40]!r}")
    common = {"prompt": f.text(data, "prompt", where, limit=f.MAX_PROMPT, required=True),
              "explanation": f.text(data, "explanation", where, limit=f.MAX_EXPLANATION),
              "hint": f.text(data, "hint", where, limit=f.MAX_PROMPT)}
    if kind == "number":
        return NumberQuestion(**common, answer=_answer(data, where),
                              tolerance=f.number(data, "tolerance", where, default=DEFAULT_TOLERANCE, minimum=0.0))
    if kind == "signs":
        quantity = f.text(data, "quantity", where, limit=40, required=True)
        return SignsQuestion(**common, quantity=quantity)
    if kind == "choice":
        options = data.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
            raise LessonFormatError(f"{where}: 'options' must be a list of 2 to {MAX_OPTIONS} answers")
        texts = [f.text({"option": o}, "option", f"{where}, option {i}", limit=f.MAX_PROMPT, required=True)
                 for i, o in enumerate(options, start=1)]
        answer = f.whole(data.get("answer"), f"{where}: 'answer' (the number of the right option)",
                         minimum=1, maximum=len(texts))
        return ChoiceQuestion(**common, options=texts, answer=answer)
    metric = data.get("metric")
    if metric not in GOAL_METRICS:
        raise LessonFormatError(f"{where}: 'metric' must be one of {', '.join(GOAL_METRICS)}")
    target = f.number(data, "target", where, minimum=0.0)
    if metric.endswith("accuracy") and target > 1:
        raise LessonFormatError(f"{where}: an accuracy 'target' is a fraction between 0 and 1 (0.9 for 90 %)")
    dataset = f.text(data, "dataset", where, limit=64, single_line=True) or None
    return GoalQuestion(**common, metric=metric, target=target, dataset=dataset,
                        max_hidden_units=f.optional_whole(data, "max_hidden_units", where, minimum=1),
                        max_hidden_layers=f.optional_whole(data, "max_hidden_layers", where, minimum=0))


def _answer(data: dict, where: str) -> float | Element:
    if isinstance(data.get("answer"), str):
        return element_from_text(data, "answer", where)
    return f.number(data, "answer", where)


def element_from_text(data: dict, key: str, where: str) -> Element:
    """An element name such as ``grad_h2[1]`` or ``W1[3,1]`` (indices from 1)."""
    text = f.text(data, key, where, limit=60, required=True, single_line=True)
    try:
        return Element.parse(text)
    except ValueError as exc:
        raise LessonFormatError(f"{where}: {key!r}: {exc}") from None


def question_to_dict(question: Question) -> dict:
    """The question as the file stores it (empty optional texts left out)."""
    data: dict[str, Any] = {"kind": question.kind, "prompt": question.prompt}
    if isinstance(question, NumberQuestion):
        answer = question.answer
        data["answer"] = str(answer) if isinstance(answer, Element) else answer
        data["tolerance"] = question.tolerance
    elif isinstance(question, SignsQuestion):
        data["quantity"] = question.quantity
    elif isinstance(question, ChoiceQuestion):
        data["options"] = list(question.options)
        data["answer"] = question.answer
    elif isinstance(question, GoalQuestion):
        data.update(metric=question.metric, target=question.target)
        for key in ("dataset", "max_hidden_units", "max_hidden_layers"):
            if getattr(question, key) is not None:
                data[key] = getattr(question, key)
    for key in ("explanation", "hint"):
        if getattr(question, key):
            data[key] = getattr(question, key)
    return data


def check_against(question: Question, network: Network, where: str) -> None:
    """Refuse a question whose quantity the lesson's network does not have."""
    if isinstance(question, NumberQuestion) and isinstance(question.answer, Element):
        check_element(question.answer, network, where)
    elif isinstance(question, SignsQuestion):
        shape = quantity_shape(network, question.quantity)
        if shape is None:
            raise LessonFormatError(f"{where}: the network has no quantity {question.quantity[:40]!r}")
        if len(shape) != 1:
            raise LessonFormatError(f"{where}: a signs question needs a vector; {question.quantity} is not one")
