"""The Qt-free heart of the step animation: player, highlights, explanations, paths, quiz."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.engine.network import Network
from core.engine.passes import run_trace
from core.stepthrough.explain import array_text, explain, number
from core.stepthrough.highlight import highlight
from core.stepthrough.paths import PathError, weight_paths
from core.stepthrough.player import StepPlayer
from core.stepthrough.quiz import Question, grade, pick_question
from core.stepthrough.steps import all_steps, update_steps

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def trace(textbook, registry):
    network, _ = textbook
    return run_trace(network, [2, 5, 3], [1, 0], registry)


def test_player_order_matches_trace_json_then_the_update(trace):
    script = ROOT / ".venv" / "bin" / "backprop-studio"
    exe = script if script.exists() else Path(sys.executable).parent / "backprop-studio"
    out = subprocess.run([str(exe), "trace", str(ROOT / "resources/examples/textbook.json"),
                          "--input", "2", "5", "3", "--target", "1", "0", "--json", "--safe-mode"],
                         capture_output=True, text=True, check=True).stdout
    documented = [s["quantity"] for s in json.loads(out)["steps"]]
    player = StepPlayer(trace)
    assert [s.quantity for s in player.steps] == documented + ["W1", "W2", "W3"]
    assert [s.phase for s in player.steps[-3:]] == ["update"] * 3


def test_step_forward_and_back_by_each_granularity(trace):
    player = StepPlayer(trace)
    player.step_forward()
    assert player.current.quantity == "a1" and player.revealed() == {"a1"}
    player.granularity = "layer"
    player.step_forward()
    assert player.current.quantity == "h1"
    player.step_forward()
    assert [s.quantity for s in player.steps[:player.position]][-2:] == ["a2", "h2"]
    player.granularity = "pass"
    player.step_forward()
    assert player.current.quantity == "loss"
    player.step_forward()
    assert player.current.quantity == "grad_h0"
    player.step_back()
    assert player.current.quantity == "loss"
    player.granularity = "equation"
    player.step_back()
    assert player.current.quantity == "yhat"
    player.to_end()
    assert player.at_end and player.current.quantity == "W3"
    player.to_start()
    assert player.current is None and player.revealed() == set()


def test_update_step_is_gradient_descent_on_the_engine_gradient(trace):
    lr = 0.5
    for step in update_steps(trace, lr):
        k = step.layer
        expected = np.array(trace.network.W(k)) - lr * trace.grad_W[k]
        np.testing.assert_array_equal(step.values, expected)


def test_highlight_of_grad_W2_is_grad_a2_h1_and_every_edge_of_W2(trace):
    sizes = trace.network.sizes
    steps = {s.quantity: s for s in all_steps(trace)}
    hl = highlight(steps["grad_W2"], sizes)
    assert hl.read_neurons == {(2, i) for i in range(3)} | {(1, j) for j in range(3)}
    assert hl.write_edges == {(2, i, j) for i in range(3) for j in range(3)}
    assert not hl.read_edges and not hl.write_neurons and hl.direction == "backward"
    hl = highlight(steps["grad_h2"], sizes)  # ∇h_2 = W_3ᵀ ∇a_3
    assert hl.read_edges == {(3, i, j) for i in range(2) for j in range(3)}
    assert hl.read_neurons == {(3, 0), (3, 1)} and hl.write_neurons == {(2, 0), (2, 1), (2, 2)}
    hl = highlight(steps["a1"], sizes)  # a_1 = b_1 + W_1 h_0
    assert hl.read_neurons == {(0, 0), (0, 1), (0, 2)} and hl.read_biases == {(1, 0), (1, 1), (1, 2)}
    assert hl.write_neurons == {(1, 0), (1, 1), (1, 2)} and hl.direction == "forward"
    assert highlight(steps["loss"], sizes).writes_loss
    # every step of the list has a rule, and what it writes matches the step's layer
    for step in all_steps(trace) + update_steps(trace, 0.1):
        hl = highlight(step, sizes)
        written = {n[0] for n in hl.write_neurons} | {e[0] for e in hl.write_edges} | {b[0] for b in hl.write_biases}
        assert written == ({step.layer} if not hl.writes_loss else set())


def test_explanations_fill_in_the_numbers_of_math_md(trace):
    steps = {s.quantity: s for s in all_steps(trace)}
    text = explain(steps["grad_h2"], trace).substituted
    assert text == ("∇h₂ L = W₃ᵀ ∇a₃ L = [[0.3, 0.1, -0.1], [-0.5, 0.2, -0.4]]ᵀ [-0.3554, 0.3554]"
                    " = [-0.2843, 0.0355, -0.1066]")
    assert "blame" in explain(steps["grad_h2"], trace).meaning
    assert explain(steps["loss"], trace).substituted == (
        "L = −Σᵢ yᵢ log ŷᵢ = 0.4391   (y = [1, 0], ŷ = [0.6446, 0.3554])")
    assert explain(steps["grad_a1"], trace).result == "[-0.0034, 0.0255, -0.0000]"
    for step in all_steps(trace) + update_steps(trace, 0.1):
        e = explain(step, trace)
        assert e.symbolic == step.formula and e.meaning and e.result in e.substituted


def test_number_formatting():
    assert number(0.3) == "0.3" and number(-0.35541) == "-0.3554" and number(-2e-6) == "-0.0000"
    assert number(2.0) == "2" and array_text([[1, 0.5]]) == "[[1, 0.5]]"


def test_every_weight_of_the_textbook_net_paths_sum_to_the_matrix_gradient(trace, registry):
    net = trace.network
    for k in range(1, net.depth + 1):
        for i in range(net.sizes[k]):
            for j in range(net.sizes[k - 1]):
                report = weight_paths(trace, registry, k, i, j)
                assert report.path_count == len(report.paths) == int(np.prod(net.sizes[k + 1:]))
                assert report.path_sum == pytest.approx(report.matrix_value, abs=1e-15)
                assert report.finite_difference == pytest.approx(report.matrix_value, abs=1e-8)


def test_w131_paths_are_the_sum_math_md_writes(trace, registry):
    """∂L/∂w_131 through h_13 and both outputs: 3 units of layer 2 × 2 outputs = 6 paths."""
    report = weight_paths(trace, registry, 1, 2, 0)
    assert report.name == "W₁,₃,₁"
    net, h, a = trace.network, trace.h, trace.a
    gp = lambda v: 1 - np.tanh(v) ** 2  # noqa: E731  tanh' written independently
    expected = sum(trace.grad_a[3][0, o] * net.W(3)[o, p] * gp(a[2][0, p]) * net.W(2)[p, 2]
                   for o in range(2) for p in range(3)) * gp(a[1][0, 2]) * h[0][0, 0]
    assert report.path_sum == pytest.approx(expected, rel=1e-12)
    assert [f.symbol for f in report.paths[0].factors] == [
        "∂L/∂a₃,₁", "W₃,₁,₁", "g′(a₂,₁)", "W₂,₁,₃", "g′(a₁,₃)", "h₀,₁"]


def test_path_view_refuses_a_batch_and_a_missing_weight(registry):
    net = Network([2, 2, 2], "tanh")
    batch = run_trace(net, [[1, 2], [3, 4]], [[1, 0], [0, 1]], registry)
    with pytest.raises(PathError, match="one sample"):
        weight_paths(batch, registry, 1, 0, 0)
    single = run_trace(net, [1, 2], [1, 0], registry)
    with pytest.raises(PathError, match="no weight"):
        weight_paths(single, registry, 3, 0, 0)


def test_quiz_grades_values_and_signs(trace):
    steps = {s.quantity: s for s in all_steps(trace)}
    q = Question(steps["grad_h2"], (0,), "value")
    assert q.answer == pytest.approx(-0.2843, abs=1e-4)
    assert grade(q, "-0.2843").correct and grade(q, "−0.284").correct
    assert not grade(q, "0.23").correct and "-0.2843" not in grade(q, "0.23").message  # Reveal shows it
    assert "-0.2843" in grade(q, "-0.284").message
    assert not grade(q, "abc").correct
    sign = Question(steps["grad_h2"], (1,), "sign")
    assert grade(sign, "+").correct and not grade(sign, "-").correct
    tiny = Question(steps["grad_a1"], (2,), "sign")
    assert grade(tiny, "0").correct
    picked = pick_question(steps["grad_W2"], np.random.default_rng(1))
    assert len(picked.index) == 2 and picked.answer == steps["grad_W2"].values[picked.index]


@pytest.mark.parametrize("regularizer", ["l1", "l2"])
def test_path_view_with_a_regularizer_agrees_with_the_matrix_and_the_differences(textbook, registry, regularizer):
    """With L + λ Σ_k R(W_k) the weight's gradient is the sum over the paths plus λ [∂R/∂W_k]_ij."""
    network, _ = textbook
    rate = 0.1
    trace = run_trace(network, [2, 5, 3], [1, 0], registry, (regularizer, rate))
    plain = run_trace(network, [2, 5, 3], [1, 0], registry)
    k, i, j = 2, 0, 2  # W₂,₁,₃ = 0.8
    report = weight_paths(trace, registry, k, i, j)
    w = network.W(k)[i, j]
    expected_penalty = rate * (np.sign(w) if regularizer == "l1" else w)  # λ ∂R/∂w, written independently
    assert report.path_sum == pytest.approx(plain.grad_W[k][i, j], abs=1e-15)  # the paths carry the data loss
    assert report.penalty == pytest.approx(expected_penalty, abs=1e-15)
    assert report.total == pytest.approx(report.matrix_value, abs=1e-15)
    assert report.matrix_value == pytest.approx(plain.grad_W[k][i, j] + expected_penalty, abs=1e-15)
    assert report.finite_difference == pytest.approx(report.matrix_value, abs=1e-8)
