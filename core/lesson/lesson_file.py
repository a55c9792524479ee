"""The versioned JSON lesson file (docs/file-format.md), read with every entry checked.

A lesson file holds a whole network file object under ``"network"`` (read by the network
file's own reader, so its sizes are checked before anything is allocated), then the pages.
Every text is checked for type, length and control characters, every name against the
network (steps, quantities, neurons, weights), so a lesson that opens is one the app can
show. Never pickle.
"""
from __future__ import annotations

import os
from typing import Any

from core.engine.network import Network
from core.io.atomic import write_atomic
from core.io.network_file import (
    FileFormatError,
    dumps,
    network_from_dict,
    network_from_file_data,
    network_to_dict,
    parse_json,
)
from core.io.reading import MAX_FILE_BYTES, UnreadableFile, read_capped
from core.lesson import fields as f
from core.lesson.fields import LessonFormatError
from core.lesson.markdown import math_spans
from core.lesson.model import LOCKS, NETWORK_MODES, PANELS, SELECTABLE, Lesson, Page, PageState
from core.lesson.quantities import END, START, check_element, step_quantities
from core.lesson.questions import (
    NumberQuestion,
    SignsQuestion,
    check_against,
    element_from_text,
    question_from_dict,
    question_to_dict,
)
from core.stepthrough.notation import Element, split

LESSON_FORMAT = "backprop-studio-lesson"
LESSON_VERSION = 1
MAX_PAGES = 500
MAX_EPOCHS = 2_000  # a page's training state: bounded, so opening a page trains seconds, not hours
MAX_MATH = 1_000  # characters of one piece of $math$: typesetting time stays bounded


def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    data: dict[str, Any] = {"format": LESSON_FORMAT, "version": LESSON_VERSION, "id": lesson.id,
                            "title": lesson.title}
    for key in ("author", "description"):
        if getattr(lesson, key):
            data[key] = getattr(lesson, key)
    data["network"] = network_to_dict(lesson.network, **lesson.network_extras)
    data["pages"] = [_page_to_dict(page) for page in lesson.pages]
    return data


def _page_to_dict(page: Page) -> dict[str, Any]:
    data: dict[str, Any] = {"title": page.title, "text": page.text}
    state, out = page.state, dict[str, Any]()
    if state.step is not None:
        out["step"] = state.step
    if state.element is not None:
        out["element"] = str(state.element)
    if state.epochs is not None:
        out["training"] = {"epochs": state.epochs}
    if state.panels is not None:
        out["panels"] = list(state.panels)
    if state.locked:
        out["locked"] = list(state.locked)
    if state.network != "lesson":
        out["network"] = state.network
    if out:
        data["state"] = out
    if page.question is not None:
        data["question"] = question_to_dict(page.question)
    return data


def save_lesson(lesson: Lesson, path: str | os.PathLike) -> None:
    """Write the lesson atomically (checked first: a lesson that would not open is not written)."""
    data = lesson_to_dict(lesson)
    lesson_from_dict(data)
    write_atomic(path, dumps(data), LessonFormatError)


def load_lesson(path: str | os.PathLike) -> Lesson:
    """Read a lesson file; every failure is a LessonFormatError naming the problem."""
    try:
        data = _read(path, "lesson file")
    except FileFormatError as exc:
        raise LessonFormatError(str(exc)) from None
    return _lesson(data, path)


def load_network_or_lesson(path: str | os.PathLike) -> Lesson | tuple[Network, dict]:
    """A lesson file as a Lesson, a network file as (network, extras): whichever ``path`` holds.

    Raises FileFormatError for a bad network file and LessonFormatError for a bad lesson.
    """
    data = _read(path, "network or lesson file")
    if file_format(data) == LESSON_FORMAT:
        return _lesson(data, path)
    return network_from_file_data(data, path)


def _read(path: str | os.PathLike, what: str) -> Any:
    try:
        raw = read_capped(path, MAX_FILE_BYTES, what)
    except UnreadableFile as exc:
        raise FileFormatError(str(exc)) from None
    return parse_json(raw, path)


def _lesson(data: Any, path: str | os.PathLike) -> Lesson:
    try:
        return lesson_from_dict(data)
    except LessonFormatError as exc:
        raise LessonFormatError(f"{path}: {exc}") from None
    except RecursionError:
        raise LessonFormatError(f"{path}: nested too deeply to be a lesson file") from None


def file_format(data: Any) -> str | None:
    """The ``"format"`` of a parsed file (network or lesson), or None."""
    return data.get("format") if isinstance(data, dict) and isinstance(data.get("format"), str) else None


def lesson_from_dict(data: Any) -> Lesson:
    """Build a Lesson from parsed JSON, checking every entry against its network."""
    if file_format(data) != LESSON_FORMAT:
        raise LessonFormatError(f"not a Backprop Studio lesson file (no \"format\": \"{LESSON_FORMAT}\")")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise LessonFormatError("the file has no valid format version")
    if version > LESSON_VERSION:
        raise LessonFormatError(f"the lesson has format version {version}, newer than this program reads "
                                f"({LESSON_VERSION}); update Backprop Studio")
    title = f.text(data, "title", "the lesson", limit=f.MAX_TITLE, required=True, single_line=True)
    try:
        network, extras = network_from_dict(data.get("network"))
    except FileFormatError as exc:
        raise LessonFormatError(f"the lesson's network: {exc}") from None
    identifier = f.text(data, "id", "the lesson", limit=64, single_line=True)
    lesson = Lesson(title=title, network=network, network_extras=extras,
                    description=f.text(data, "description", "the lesson", limit=f.MAX_TEXT),
                    author=f.text(data, "author", "the lesson", limit=f.MAX_TITLE, single_line=True))
    if identifier:
        lesson.id = identifier
    pages = data.get("pages")
    if not isinstance(pages, list):
        raise LessonFormatError("the lesson has no list of 'pages'")
    if len(pages) > MAX_PAGES:
        raise LessonFormatError(f"the lesson has {len(pages)} pages; at most {MAX_PAGES}")
    steps = set(step_quantities(network)) | {START, END}
    for number, page in enumerate(pages, start=1):
        lesson.pages.append(page_from_dict(page, f"page {number}", network, steps, lesson.example is not None))
        if lesson.pages[-1].state.epochs and "setup" not in extras:
            raise LessonFormatError(f"page {number}, state: a training state needs the training setup saved with "
                                    "the lesson's network (its 'setup')")
    return lesson


def page_from_dict(data: Any, where: str, network: Network, steps: set[str], has_example: bool) -> Page:
    data = f.obj(data, where)
    page = Page(title=f.text(data, "title", where, limit=f.MAX_TITLE, required=True, single_line=True),
                text=f.text(data, "text", where, limit=f.MAX_TEXT))
    if data.get("state") is not None:
        page.state = _state_from_dict(data["state"], f"{where}, state", network, steps)
    if data.get("question") is not None:
        question = question_from_dict(data["question"], f"{where}, question")
        check_against(question, network, f"{where}, question")
        needs_numbers = isinstance(question, SignsQuestion) or (
            isinstance(question, NumberQuestion) and isinstance(question.answer, Element))
        if needs_numbers and not has_example:
            raise LessonFormatError(f"{where}, question: its answer is computed from the network's example "
                                    "sample, but the network has no 'example' (input and target)")
        page.question = question
    _check_math(page, where)
    return page


def _check_math(page: Page, where: str) -> None:
    question = page.question
    texts = [page.text] + ([question.prompt, question.hint, question.explanation, *getattr(question, "options", [])]
                           if question is not None else [])
    for text in texts:
        for latex in math_spans(text):
            if len(latex) > MAX_MATH:
                raise LessonFormatError(f"{where}: a piece of $math$ is {len(latex)} characters long "
                                        f"(at most {MAX_MATH})")


def _state_from_dict(data: Any, where: str, network: Network, steps: set[str]) -> PageState:
    data = f.obj(data, where)
    state = PageState()
    if data.get("step") is not None:
        step = data["step"]
        if not isinstance(step, str) or step not in steps:
            raise LessonFormatError(f"{where}: 'step' must be \"start\", \"end\" or the quantity a step writes "
                                    f"(such as grad_h1); the network has no step {str(step)[:40]!r}")
        state.step = step
    if data.get("element") is not None:
        state.element = _element(data, where, network)
    if data.get("training") is not None:
        training = f.obj(data["training"], f"{where}: 'training'")
        state.epochs = f.whole(training.get("epochs"), f"{where}: 'training' 'epochs'", maximum=MAX_EPOCHS)
    state.panels = f.names(data, "panels", where, PANELS)
    state.locked = f.names(data, "locked", where, LOCKS) or ()
    mode = data.get("network", "lesson")
    if mode not in NETWORK_MODES:
        raise LessonFormatError(f"{where}: 'network' must be \"lesson\" or \"keep\"")
    state.network = mode
    return state


def _element(data: dict, where: str, network: Network) -> Element:
    element = element_from_text(data, "element", where)
    parts = split(element.quantity)
    if element.quantity != "yhat" and (parts is None or parts[1] not in SELECTABLE):
        raise LessonFormatError(f"{where}: 'element' must name a neuron, a weight or a bias, such as h1[3], "
                                f"W1[3,1] or b2[1], not {str(element)[:60]!r}")
    check_element(element, network, where)
    return element


def new_lesson(network: Network, extras: dict | None = None, title: str = "A new lesson") -> Lesson:
    """An empty lesson about ``network`` (a copy: the lesson keeps the network as it is now)."""
    return Lesson(title=title, network=network.copy(), network_extras=dict(extras or {}))
