"""The step table with input features (a step h_0 = φ(x)) and a regularizer (its term in the
loss and in every ∇W_k), the formulas taken from the plugins (issue 11, items 3 and 4)."""
from __future__ import annotations

import numpy as np
import pytest

from core.engine.network import Network
from core.engine.passes import run_trace
from core.plugin_host.registry import Regularizer
from core.stepthrough.elements import element_view
from core.stepthrough.explain import explain
from core.stepthrough.highlight import highlight
from core.stepthrough.steps import all_steps

X, Y = [[0.5, -1.0]], [[1, 0]]


def featured() -> Network:
    return Network([3, 3, 2], "tanh", features=["x1", "x1_squared", "sin_x2"], seed=1)


def steps_by_name(trace) -> dict:
    return {s.quantity: s for s in all_steps(trace)}


def test_the_first_step_is_h0_equal_to_phi_of_x_with_the_plugins_formulas(registry):
    trace = run_trace(featured(), X, Y, registry)
    first = all_steps(trace)[0]
    assert (first.quantity, first.phase, first.layer, first.reads) == ("h0", "forward", 0, ("x",))
    assert first.formula == r"h_0 = \phi(x) = [x_1,\ x_1^2,\ \sin x_2]"
    np.testing.assert_array_equal(first.values, [[0.5, 0.25, np.sin(-1.0)]])
    text = explain(first, trace)
    assert text.substituted == "h₀ = φ(x) = φ([0.5, -1]) = [0.5, 0.25, -0.8415]"
    assert "x₁, x₁², sin x₂" in text.meaning
    hl = highlight(first, trace.network.sizes)  # the input units light up as written
    assert hl.write_neurons == {(0, 0), (0, 1), (0, 2)} and not hl.read_neurons
    view = element_view(first, trace, ("neuron", 0, 2))
    assert view.text() == "h₀,₃ = sin x₂\nx = (0.5, -1): h₀,₃ = −0.8415"
    assert view.result == pytest.approx(np.sin(-1.0))


def test_without_features_there_is_no_such_step(registry, textbook):
    network, _ = textbook
    trace = run_trace(network, [2, 5, 3], [1, 0], registry)
    assert all_steps(trace)[0].quantity == "a1"


@pytest.mark.parametrize("name, gradient", [("l1", r"\mathrm{{sign}}(W_{k})"), ("l2", "W_{k}")])
def test_the_loss_and_grad_W_steps_carry_the_regularizers_term(registry, name, gradient):
    trace = run_trace(featured(), X, Y, registry, (name, 0.05))
    plain = run_trace(featured(), X, Y, registry)
    steps, before = steps_by_name(trace), steps_by_name(plain)
    loss = steps["loss"]
    assert loss.formula == before["loss"].formula + r" + \lambda \sum_k R(W_k)"
    assert {"W1", "W2"} <= set(loss.reads)
    loss_text = explain(loss, trace)
    assert loss_text.result == f"{trace.loss:.4f}" and trace.loss == pytest.approx(plain.loss + trace.penalty)
    assert f"λ Σₖ R(Wₖ) = {trace.penalty:.4f}" in loss_text.substituted
    assert f"regularizer {name}" in loss_text.meaning
    for k in (1, 2):
        step = steps[f"grad_W{k}"]
        assert step.formula == before[f"grad_W{k}"].formula + r" + \lambda\, " + gradient.format(k=k)
        assert f"W{k}" in step.reads
        np.testing.assert_array_equal(step.values, trace.grad_W[k])
        text = explain(step, trace)
        assert "+ 0.05 [[" in text.substituted  # λ and ∂R/∂W_k with their numbers
        assert text.result == explain(step, trace).result
        view = element_view(step, trace, ("weight", k, 1, 0))
        assert view.result == pytest.approx(trace.grad_W[k][1, 0])
        W = trace.network.W(k)[1, 0]
        penalty = 0.05 * (np.sign(W) if name == "l1" else W)
        assert view.result == pytest.approx(plain.grad_W[k][1, 0] + penalty, abs=1e-12)


def test_a_third_party_regularizer_is_written_with_its_own_formula(registry):
    """Nothing in the step table knows L1 or L2: a quartic penalty shows its own ∂R/∂W."""
    registry.add("regularizers", Regularizer(
        "quartic", penalty=lambda W: float((W**4).sum()), gradient=lambda W: 4 * W**3,
        formula=r"R(W) = \sum_{ij} w_{ij}^4", gradient_formula=r"\partial R / \partial W = 4 W^3", plugin="test"))
    trace = run_trace(Network([2, 3, 2], "tanh", seed=3), X, Y, registry, ("quartic", 0.1))
    step = steps_by_name(trace)["grad_W2"]
    assert step.formula.endswith(r" + \lambda\, 4 W_2^3")
    assert "R(W) = Σᵢⱼ wᵢⱼ⁴" in explain(steps_by_name(trace)["loss"], trace).meaning


def test_a_rate_of_zero_shows_no_term(registry):
    trace = run_trace(featured(), X, Y, registry, ("l2", 0.0))
    assert "lambda" not in steps_by_name(trace)["grad_W1"].formula
