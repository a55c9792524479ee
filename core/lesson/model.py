"""A lesson: a network (with its example and setup) and an ordered list of pages.

Each page has a title, a text in the Markdown subset of :mod:`core.lesson.markdown`, the
state the app shows while the page is open (:class:`PageState`) and optionally a
question (:mod:`core.lesson.questions`). Qt-free; the GUI edits a lesson through undo
commands that call the page operations below.
"""
from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from core.engine.network import Network
from core.lesson.questions import Question
from core.stepthrough.notation import Element

# the window's panels a page may show (the rest are hidden) …
PANELS = ("palette", "inspector", "steps", "training", "plots")
# … and the controls it may lock: editing the network, training it, moving the step-through
LOCKS = ("editing", "training", "stepping")
NETWORK_MODES = ("lesson", "keep")  # the lesson's network (reset on entering the page), or the learner's
SELECTABLE = ("a", "h", "W", "b", "gprime")  # letters of quantities whose elements can be selected


@dataclass
class PageState:
    """What the app shows on a page.

    Attributes
    ----------
    step : str or None
        The step-through position: ``"start"`` (nothing computed), ``"end"``, or the trace
        name of the quantity the step writes (``"grad_h2"``); None leaves it where it is.
    element : Element or None
        The neuron, weight or bias selected (its element view in the inspector), named like
        an element of a quantity: ``W1[3,1]`` (W_{1,3,1}), ``b2[1]``, ``h1[3]`` (unit 3 of layer 1);
        desktop_app.canvas.selection.selection_of finds it on the canvas.
    epochs : int or None
        A training state: the lesson's network trained this many epochs with its setup.
    panels : tuple of str or None
        The panels shown (names of PANELS; the others are hidden); None leaves them.
    locked : tuple of str
        The controls a learner cannot use on this page (names of LOCKS).
    network : str
        ``"lesson"``: the lesson's network is restored when the page opens; ``"keep"``:
        the learner's own network stays (for a goal to reach by changing it).
    """

    step: str | None = None
    element: Element | None = None
    epochs: int | None = None
    panels: tuple[str, ...] | None = None
    locked: tuple[str, ...] = ()
    network: str = "lesson"


@dataclass
class Page:
    title: str
    text: str = ""
    state: PageState = field(default_factory=PageState)
    question: Question | None = None

    def duplicate(self) -> Page:
        return replace(self, state=replace(self.state), question=copy.deepcopy(self.question))


def new_lesson_id() -> str:
    """A random identifier: progress is remembered under it."""
    return uuid.uuid4().hex


@dataclass
class Lesson:
    """A network, its extras (``example``, ``metadata``, ``setup`` of the network file) and pages."""

    title: str
    network: Network
    network_extras: dict[str, Any] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    description: str = ""
    author: str = ""
    id: str = field(default_factory=new_lesson_id)

    @property
    def example(self) -> tuple[list[float], list[float]] | None:
        """The network's example sample (input, target): the numbers every page shows."""
        from core.io.network_file import example_arrays

        return example_arrays(self.network_extras)

    # -- page operations (each the inverse of another, for undo) ---------------------------
    def insert_page(self, index: int, page: Page) -> None:
        self.pages.insert(max(0, min(index, len(self.pages))), page)

    def remove_page(self, index: int) -> Page:
        return self.pages.pop(index)

    def move_page(self, source: int, target: int) -> None:
        """Move page ``source`` so that it ends up at position ``target``."""
        page = self.pages.pop(source)
        self.pages.insert(max(0, min(target, len(self.pages))), page)

    def questions(self) -> list[tuple[int, Question]]:
        """(page index, question) of every page that asks one."""
        return [(i, page.question) for i, page in enumerate(self.pages) if page.question is not None]
