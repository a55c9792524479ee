"""Grading each kind of question against the engine's numbers, with feedback a learner can use."""
from __future__ import annotations

import numpy as np
import pytest

from core.engine.passes import run_trace
from core.lesson.grading import GoalSnapshot, grade, parse_number, parse_signs
from core.lesson.questions import ChoiceQuestion, GoalQuestion, NumberQuestion, SignsQuestion
from core.stepthrough.notation import Element


@pytest.fixture
def trace(textbook, registry):
    network, _ = textbook
    return run_trace(network, [2, 5, 3], [1, 0], registry)


def test_a_number_is_graded_against_the_traced_quantity(trace):
    question = NumberQuestion(prompt="∇h_2[1]?", answer=Element("grad_h2", (1,)))
    expected = float(trace.grad_h[2][0, 0])  # the engine's number, not one copied here
    assert abs(expected - (0.3 * -0.3554 + -0.5 * 0.3554)) < 1e-3  # = W_3ᵀ ∇a_3, first entry
    right = grade(question, f"{expected:.4f}", trace=trace)
    assert right.correct and "∂L/∂h₂,₁ = -0.2843" in right.message
    wrong = grade(question, "0.23", trace=trace)  # what the notes print
    assert not wrong.correct and "-0.2843" not in wrong.message  # a wrong answer does not give it away
    assert wrong.expected == "∂L/∂h₂,₁ = -0.2843"  # but Reveal and the summary can
    assert not grade(question, f"{expected + 0.001:.4f}", trace=trace).correct  # outside ±0.0005
    assert grade(question, "−0,2843", trace=trace).correct  # a typographic minus and a decimal comma
    assert "not a number" in grade(question, "about -0.3", trace=trace).message


def test_matrix_entries_and_the_loss_are_addressed_like_the_notes(trace):
    weight = NumberQuestion(prompt="", answer=Element("grad_W2", (1, 3)), tolerance=1e-4)
    assert grade(weight, str(trace.grad_W[2][0, 2]), trace=trace).correct
    assert not grade(weight, str(trace.grad_W[2][2, 0]), trace=trace).correct  # rows are units of layer k
    loss = NumberQuestion(prompt="", answer=Element("loss"))
    assert grade(loss, "0.4391", trace=trace).correct and not grade(loss, "0.43", trace=trace).correct


def test_a_literal_answer_and_its_tolerance():
    question = NumberQuestion(prompt="", answer=0.5, tolerance=0.1)
    assert grade(question, "0.59").correct and not grade(question, "0.61").correct


def test_signs_name_the_units_that_are_wrong(trace):
    question = SignsQuestion(prompt="", quantity="grad_h2")
    assert [int(s) for s in np.sign(trace.grad_h[2][0])] == [-1, 1, -1]
    assert grade(question, "- + -", trace=trace).correct
    assert grade(question, "-+-", trace=trace).correct
    assert grade(question, "negative, positive, negative", trace=trace).correct
    verdict = grade(question, "+ + -", trace=trace)  # the sign the notes print for ∇h_2[1]
    assert not verdict.correct and "unit 1 of ∇h₂ L" in verdict.message and verdict.marks == (False, True, True)
    assert "3 units" in grade(question, "- +", trace=trace).message
    assert "one sign per unit" in grade(question, "- ? -", trace=trace).message


def test_a_value_that_rounds_to_zero_may_be_called_zero_or_given_its_sign(trace):
    question = SignsQuestion(prompt="", quantity="grad_a1")
    tiny = trace.grad_a[1][0, 2]  # tanh is flat at a = 5.3: ∇a_1[3] ≈ -2e-5
    assert 0 < abs(tiny) < 5e-5 and tiny < 0
    assert grade(question, "- + 0", trace=trace).correct
    assert grade(question, "- + -", trace=trace).correct
    assert not grade(question, "- + +", trace=trace).correct


def test_choice():
    question = ChoiceQuestion(prompt="", options=["a", "b", "c"], answer=2)
    assert grade(question, "2").correct
    assert not grade(question, "1").correct and grade(question, "1").expected == "option 2: b"
    assert not grade(question, "").correct and "Choose" in grade(question, "").message


def test_a_goal_names_what_is_missing():
    goal = GoalQuestion(prompt="", metric="test_accuracy", target=0.9, dataset="spiral", max_hidden_units=6)
    reached = GoalSnapshot("spiral", (2, 6, 2), {"test_accuracy": 0.92})
    assert grade(goal, "", snapshot=reached).correct
    too_big = grade(goal, "", snapshot=GoalSnapshot("spiral", (2, 8, 8, 2), {"test_accuracy": 0.95}))
    assert not too_big.correct and "16 hidden units (needs at most 6)" in too_big.message
    low = grade(goal, "", snapshot=GoalSnapshot("spiral", (2, 6, 2), {"test_accuracy": 0.87}))
    assert not low.correct and "87.0%" in low.message and "at least 90%" in low.message
    other = grade(goal, "", snapshot=GoalSnapshot("xor", (2, 4, 2), {"test_accuracy": 1.0}))
    assert not other.correct and "needs spiral" in other.message
    untrained = grade(goal, "", snapshot=GoalSnapshot("spiral", (2, 4, 2), {}))
    assert not untrained.correct and "not measured yet" in untrained.message
    loss = GoalQuestion(prompt="", metric="train_loss", target=0.1)
    assert grade(loss, "", snapshot=GoalSnapshot(None, (2, 2), {"train_loss": 0.09})).correct
    assert not grade(loss, "", snapshot=GoalSnapshot(None, (2, 2), {"train_loss": 0.11})).correct


@pytest.mark.parametrize("text, value", [("-0.2843", -0.2843), ("−0.2843", -0.2843), (".5", 0.5), ("1e-3", 0.001),
                                         (" 2 ", 2.0), ("-0,25", -0.25), ("+3", 3.0)])
def test_numbers_as_people_type_them(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,000.5", "1/2", "nan", "inf", "1e999", "--1"])
def test_what_is_not_a_number(text):
    assert parse_number(text) is None


def test_signs_as_people_type_them():
    assert parse_signs("+ - 0") == [1, -1, 0]
    assert parse_signs("pos neg zero") == [1, -1, 0]
    assert parse_signs("+ x") is None and parse_signs("") is None
