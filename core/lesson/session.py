"""Following a lesson: the page a learner is on, the numbers of each page, answers and the summary.

Qt-free; the student pane of the app and the tests drive it the same way. The numbers a
page's questions are graded against are the engine's trace of the lesson's network on its
example sample, as the page's state sets the network up (trained, on a page "after N epochs"),
with the regularisation of its training setup: the numbers the step-through shows.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from core.engine.network import Network
from core.engine.passes import ShapeError, Trace, run_trace
from core.lesson.grading import GoalSnapshot, Verdict, expected_text, grade
from core.lesson.model import Lesson, Page
from core.lesson.progress import Progress, load_progress, save_progress
from core.lesson.summary import build_summary
from core.lesson.training import LessonTrainingError, trained_network
from core.plugin_host.registry import Registry, RegistryError


class LessonSession:
    """A learner's way through ``lesson``.

    Parameters
    ----------
    lesson : Lesson
    registry : Registry
        The loaded plugins (the network's activations and loss).
    remember : bool
        Load the remembered progress and save it after every change.
    """

    def __init__(self, lesson: Lesson, registry: Registry, *, remember: bool = True) -> None:
        self.lesson, self.registry, self.remember = lesson, registry, remember
        count = len(lesson.pages)
        self.progress: Progress = load_progress(lesson.id, count) if remember else Progress(lesson.id)
        self._traces: dict[int | None, Trace | None] = {}
        self._trained: dict[int, Network] = {}  # the network after N epochs, for training states
        self.trace_error = ""
        if count:
            self.progress.visited.add(self.progress.page)

    # -- pages -----------------------------------------------------------------------
    @property
    def index(self) -> int:
        return self.progress.page

    @property
    def page(self) -> Page:
        return self.lesson.pages[self.index]

    def __len__(self) -> int:
        return len(self.lesson.pages)

    @property
    def at_last(self) -> bool:
        return self.index >= len(self) - 1

    def go(self, index: int) -> Page:
        index = max(0, min(len(self) - 1, index))
        self.progress.page = index
        self.progress.visited.add(index)
        self.save()
        return self.page

    def next(self) -> Page:
        return self.go(self.index + 1)

    def back(self) -> Page:
        return self.go(self.index - 1)

    def restart(self) -> Page:
        """Forget every answer and start at the first page."""
        self.progress.reset()
        return self.go(0)

    # -- the numbers of a page -------------------------------------------------------------
    def network_for(self, index: int) -> Network:
        """The lesson's network as page ``index`` shows it (a copy): trained, on a training state.

        Raises
        ------
        LessonTrainingError
            The training state cannot be computed (no setup, a missing dataset plugin, NaN).
        """
        epochs = self.lesson.pages[index].state.epochs
        if not epochs:
            return self.lesson.network.copy()
        if epochs not in self._trained:
            self._trained[epochs] = trained_network(self.lesson, epochs, self.registry)
        return self._trained[epochs].copy()

    def trace_for(self, index: int) -> Trace | None:
        """The trace of page ``index``'s network on the lesson's example (None, with ``trace_error``, if impossible)."""
        key = self.lesson.pages[index].state.epochs
        if key not in self._traces:
            try:
                network = self.network_for(index)
            except LessonTrainingError as exc:
                self.trace_error = str(exc)
                return None
            self._traces[key] = self._trace(network)
        return self._traces[key]

    def _trace(self, network: Network) -> Trace | None:
        example = self.lesson.example
        if example is None:
            self.trace_error = "the lesson's network has no example sample"
            return None
        setup = self.lesson.network_extras.get("setup")
        try:  # the setup's regularisation is in the loss and every ∇W_k, as the step-through shows them
            with np.errstate(all="ignore"):
                return run_trace(network, example[0], example[1], self.registry,
                                 setup.penalty if setup is not None else None)
        except (RegistryError, ShapeError, ValueError) as exc:  # ValueError: a feature's φ(x) of the wrong shape
            self.trace_error = str(exc)
            return None

    # -- questions -------------------------------------------------------------------------
    def solved(self, index: int | None = None) -> bool:
        return self.progress.solved(self.index if index is None else index)

    def answer(self, given: str, snapshot: GoalSnapshot | None = None) -> Verdict:
        """Grade ``given`` for this page's question and remember it."""
        question = self.page.question
        if question is None:
            raise ValueError("this page asks no question")
        verdict = grade(question, given, trace=self.trace_for(self.index), snapshot=snapshot)
        self.progress.record(self.index, given if question.kind != "goal" else verdict.message, verdict)
        self.save()
        return verdict

    def reveal(self) -> str:
        """The right answer of this page's question (remembered as revealed)."""
        self.progress.revealed.add(self.index)
        self.save()
        return self.expected(self.index)

    def expected(self, index: int) -> str:
        question = self.lesson.pages[index].question
        if question is None:
            return ""
        try:
            return expected_text(question, self.trace_for(index))
        except ValueError as exc:
            return str(exc)

    def summary(self) -> dict[str, Any]:
        return build_summary(self.lesson, self.progress, self.expected)

    def save(self) -> None:
        """Remember the progress now (when ``remember`` is on)."""
        if self.remember:
            save_progress(self.progress)
