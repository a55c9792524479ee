"""The built-in lesson "Backpropagation by hand": sound, on the worked example, its numbers the engine's."""
from __future__ import annotations

import re

import numpy as np
import pytest

from core.cli.lesson import marked_up_texts, report
from core.engine.passes import run_trace
from core.io.resources import lesson_files, lesson_path
from core.lesson.grading import expected_number, expected_signs, sign_text
from core.lesson.lesson_file import load_lesson
from core.lesson.questions import ChoiceQuestion, NumberQuestion, SignsQuestion
from core.lesson.session import LessonSession

# what the notes print for ∇h_2, quoted on purpose: the lesson asks which is right
NOTES_WRONG = {0.23, -0.03, 0.09}


@pytest.fixture
def lesson():
    return load_lesson(lesson_path())


def test_it_ships_and_checks_clean(lesson, host):
    assert lesson_files()[0] == lesson_path() and lesson.title == "Backpropagation by hand"
    result = report(lesson, host)
    assert result["problems"] == []  # the math typesets, every answer is computed
    assert len(lesson.pages) >= 10 and result["questions"] >= 0.8 * len(lesson.pages)  # a question on most pages
    assert {"number", "signs", "choice"} <= {p.question.kind for p in lesson.pages if p.question}


def test_it_is_the_worked_example_and_walks_the_whole_pass(lesson, textbook):
    network, extras = textbook
    assert lesson.network.sizes == network.sizes and lesson.example == ([2, 5, 3], [1, 0])
    for p, q in zip(lesson.network.parameters(), network.parameters()):
        np.testing.assert_array_equal(p, q)
    steps = [page.state.step for page in lesson.pages]
    for needed in ("a1", "h1", "loss", "grad_a3", "grad_W3", "grad_h2", "grad_a2", "grad_a1", "grad_W1"):
        assert needed in steps
    assert any(p.state.element is not None and str(p.state.element) == "W1[3,1]" for p in lesson.pages)  # w_131


def test_every_number_in_its_text_is_one_of_the_example(lesson, registry):
    """No number of the lesson's prose is a second, hand-typed copy that could drift: each is a
    parameter, an input, or a value of the engine's trace rounded as the app shows it."""
    trace = run_trace(lesson.network, *lesson.example, registry)
    known = {0.0, 1.0, 2.0, 3.0}
    for value in (*lesson.network.parameters(), *lesson.example):
        known |= {round(float(v), 4) for v in np.ravel(value)}
    for name in ("a1", "h1", "a2", "h2", "a3", "yhat", "loss", "grad_a3", "grad_W3", "grad_h2", "grad_a2",
                 "grad_W2", "grad_h1", "grad_a1", "grad_W1", "grad_h0"):
        known |= {round(float(v), 4) for v in np.ravel(trace.quantity(name))}
    for slope in trace.g_prime[1:-1]:  # g'(a_k), e.g. g'(5.3) ≈ 0.0001
        known |= {round(float(v), 4) for v in np.ravel(slope)}
    texts = marked_up_texts(lesson) + [(f"page {i} title", p.title) for i, p in enumerate(lesson.pages, 1)]
    for where, text in texts:
        for found in re.findall(r"(?<![\w.,{])-?\d+\.\d+", text):
            value = float(found)
            assert value in known or value in NOTES_WRONG, (where, found)


def test_the_right_answers_are_graded_right(lesson, registry):
    session = LessonSession(lesson, registry, remember=False)
    trace = session.trace_for(0)
    for index, page in enumerate(lesson.pages):
        question = page.question
        if question is None:
            continue
        session.go(index)
        if isinstance(question, NumberQuestion):
            answer = f"{expected_number(question, trace):.4f}"
        elif isinstance(question, SignsQuestion):
            answer = sign_text(np.sign(np.round(expected_signs(question, trace), 4)))
        else:
            assert isinstance(question, ChoiceQuestion)
            answer = str(question.answer)
        assert session.answer(answer).correct, (index + 1, page.title, answer)
    assert session.summary()["score"]["first_try"] == len(lesson.questions())
