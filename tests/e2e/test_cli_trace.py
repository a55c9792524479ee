"""`backprop-studio trace`: explanations, Unicode math, batches (flags and CSV), as a user runs it."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.test_cli import TEXTBOOK, assert_one_line_error, run  # noqa: F401  (the same runner)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "backprop-studio"


def trace_json(*args, cwd) -> dict:
    return json.loads(run("trace", TEXTBOOK, *args, "--json", cwd=cwd).stdout)


def test_json_steps_gain_writes_explanation_and_the_plugins_formulas(tmp_path):
    data = trace_json("--input", 2, 5, 3, "--target", 1, 0, cwd=tmp_path)
    steps = {s["quantity"]: s for s in data["steps"]}
    for step in data["steps"]:  # the DESIGN.md keys are all there, unchanged; two are added
        assert {"phase", "layer", "quantity", "formula", "reads", "writes", "explanation"} <= set(step)
        assert step["writes"][0] == step["quantity"]
    # the loss plugin's own output_formula, formula and gradient_formula, a_L written a_3
    assert steps["yhat"]["formula"] == r"\hat{y} = \mathrm{softmax}(a_3)"
    assert steps["loss"]["formula"] == r"L = -\sum_i y_i \log \hat{y}_i"
    assert steps["grad_a3"]["formula"] == r"\nabla_{a_3} L = -(y - \hat{y})"
    assert steps["grad_h2"]["explanation"] == (
        "∇h₂ L = W₃ᵀ ∇a₃ L = [[0.3, 0.1, -0.1], [-0.5, 0.2, -0.4]]ᵀ [-0.3554, 0.3554] = [-0.2843, 0.0355, -0.1066]")
    assert steps["grad_a1"]["explanation"].endswith("= [-0.0034, 0.0255, -0.0000]")
    assert steps["grad_a3"]["explanation"] == "∇a₃ L = −(y − ŷ) = −([1, 0] − [0.6446, 0.3554]) = [-0.3554, 0.3554]"
    assert "blame" in steps["grad_h2"]["meaning"]


def test_plain_trace_is_unicode_math_and_explain_prints_the_lines(tmp_path):
    plain = run("trace", TEXTBOOK, cwd=tmp_path).stdout
    assert "\\" not in plain, "no LaTeX source in the terminal"
    assert "∇a₃ L = −(y − ŷ)" in plain and "ŷ = softmax(a₃)" in plain and "a₁ = b₁ + W₁ h₀" in plain
    explained = run("trace", TEXTBOOK, "--explain", cwd=tmp_path).stdout
    assert "∇h₂ L = W₃ᵀ ∇a₃ L = [[0.3, 0.1, -0.1], [-0.5, 0.2, -0.4]]ᵀ [-0.3554, 0.3554] = [-0.2843" in explained
    assert "The blame passes back through tanh" in explained
    assert "Softmax turns the output scores into probabilities" in explained


def test_a_batch_from_repeated_flags_and_from_a_csv_agree(tmp_path):
    flags = ("--input", 2, 5, 3, "--target", 1, 0, "--input", 1, 0, -1, "--target", 0, 1)
    data = trace_json(*flags, cwd=tmp_path)
    assert np.shape(data["forward"]["a1"]) == (2, 3) and np.shape(data["backward"]["grad_W1"]) == (3, 3)
    single = [trace_json("--input", *x, "--target", *y, cwd=tmp_path)["forward"]["loss"]
              for x, y in (((2, 5, 3), (1, 0)), ((1, 0, -1), (0, 1)))]
    assert data["forward"]["loss"] == pytest.approx(np.mean(single), rel=1e-12)  # the batch mean
    grad_a3 = {s["quantity"]: s for s in data["steps"]}["grad_a3"]["explanation"].splitlines()
    assert grad_a3[0].startswith("sample 1: ") and grad_a3[1].startswith("sample 2: ") and "1/2" in grad_a3[1]
    csv = tmp_path / "batch.csv"
    csv.write_text("x1,x2,x3,y1,y2\n2,5,3,1,0\n\n1,0,-1,0,1\n")
    from_csv = json.loads(run("trace", TEXTBOOK, "--batch-csv", csv, "--json", cwd=tmp_path).stdout)
    assert from_csv["forward"] == data["forward"] and from_csv["backward"] == data["backward"]
    explained = run("trace", TEXTBOOK, *flags, "--explain", cwd=tmp_path).stdout
    assert "sample 2: a₁ = b₁ + W₁ h₀" in explained and "(∇A₃ L)ᵀ H₂" in explained


def test_batch_mistakes_are_one_line_errors(tmp_path):
    result = run("trace", TEXTBOOK, "--input", 2, 5, 3, "--target", 1, 0, "--input", 1, 0, -1,
                 cwd=tmp_path, check=False)
    assert_one_line_error(result, "2 --input but 1 --target")
    result = run("trace", TEXTBOOK, "--input", 2, 5, 3, "--target", 1, 0, "--input", 1, 0, "--target", 0, 1,
                 cwd=tmp_path, check=False)
    assert_one_line_error(result, "3 value(s)", "got 2", "sample 2")
    bad = tmp_path / "bad.csv"
    bad.write_text("2,5,3,1,0\n1,0,1,0\n")
    assert_one_line_error(run("trace", TEXTBOOK, "--batch-csv", bad, cwd=tmp_path, check=False),
                          "line 2", "4 values", "3 input(s) and 2 target value(s)")
    bad.write_text("2,5,3,1,0\n1,zero,1,0,1\n")
    assert_one_line_error(run("trace", TEXTBOOK, "--batch-csv", bad, cwd=tmp_path, check=False),
                          "line 2", "not a number")
    assert_one_line_error(run("trace", TEXTBOOK, "--batch-csv", tmp_path / "missing.csv", cwd=tmp_path,
                              check=False), "cannot read")
