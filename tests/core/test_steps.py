"""The step stream the animation walks through: order, values and reads."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from core.engine.network import Network
from core.engine.passes import run_trace
from core.stepthrough.steps import (
    all_steps,
    backward_steps,
    forward_steps,
    sub,
    to_jsonable,
)


def expected_order(L: int) -> list[str]:
    """MATH.md's order, written out independently of core.steps."""
    names = []
    for k in range(1, L):
        names += [f"a{k}", f"h{k}"]
    names += [f"a{L}", "yhat", "loss", f"grad_a{L}"]
    for k in range(L, 0, -1):
        names += [f"grad_W{k}", f"grad_b{k}", f"grad_h{k - 1}"]
        if k > 1:
            names.append(f"grad_a{k - 1}")
    return names


def trace_for(registry, sizes, activations, loss="softmax_cross_entropy", batch=1, seed=0):
    network = Network(sizes, activations, loss, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=batch)]
    return run_trace(network, X, Y, registry)


def test_textbook_order_is_literal(textbook, registry):
    network, _ = textbook
    trace = run_trace(network, [2, 5, 3], [1, 0], registry)
    assert [s.quantity for s in all_steps(trace)] == [
        "a1", "h1", "a2", "h2", "a3", "yhat", "loss",
        "grad_a3", "grad_W3", "grad_b3", "grad_h2", "grad_a2",
        "grad_W2", "grad_b2", "grad_h1", "grad_a1",
        "grad_W1", "grad_b1", "grad_h0",
    ]


@pytest.mark.parametrize("sizes", [[2, 3], [3, 4, 2], [3, 3, 3, 2], [2, 5, 4, 3, 2]])
def test_order_for_every_depth(registry, sizes):
    trace = trace_for(registry, sizes, ["tanh"] * (len(sizes) - 2))
    steps = all_steps(trace)
    L = len(sizes) - 1
    assert [s.quantity for s in steps] == expected_order(L)
    assert [s.phase for s in steps] == ["forward"] * (2 * L + 1) + ["backward"] * (len(steps) - 2 * L - 1)
    assert [s.quantity for s in steps] == [s.quantity for s in forward_steps(trace) + backward_steps(trace)]


@pytest.mark.parametrize("batch", [1, 3])
def test_values_are_the_trace_arrays(registry, batch):
    trace = trace_for(registry, [3, 4, 3, 2], ["tanh", "sigmoid"], batch=batch, seed=4)
    lookup = {"yhat": trace.yhat, "loss": trace.loss}
    for k in range(1, 4):
        lookup[f"a{k}"] = trace.a[k]
        lookup[f"grad_a{k}"] = trace.grad_a[k]
        lookup[f"grad_W{k}"] = trace.grad_W[k]
        lookup[f"grad_b{k}"] = trace.grad_b[k]
    for k in range(0, 3):
        lookup[f"h{k}"] = trace.h[k]
        lookup[f"grad_h{k}"] = trace.grad_h[k]
    for step in all_steps(trace):
        want = lookup[step.quantity]
        if step.quantity == "loss":
            assert step.values == want
        else:
            assert np.array_equal(step.values, want), step.quantity
            assert step.values is want  # the very array the engine computed
        assert np.array_equal(np.asarray(trace.quantity(step.quantity)), np.asarray(step.values))


def test_layers_of_steps(registry):
    trace = trace_for(registry, [3, 4, 3, 2], ["tanh", "tanh"])
    layers = {s.quantity: s.layer for s in all_steps(trace)}
    assert layers["a1"] == layers["h1"] == 1
    assert layers["a3"] == layers["yhat"] == layers["loss"] == layers["grad_a3"] == 3
    assert layers["grad_W2"] == layers["grad_b2"] == 2
    assert layers["grad_h1"] == layers["grad_a1"] == 1
    assert layers["grad_h0"] == 0


def test_reads_are_the_right_quantities(registry):
    trace = trace_for(registry, [3, 4, 3, 2], ["tanh", "tanh"])
    reads = {s.quantity: set(s.reads) for s in all_steps(trace)}
    assert reads["a1"] == {"W1", "b1", "h0"}
    assert reads["h1"] == {"a1"}
    assert reads["a3"] == {"W3", "b3", "h2"}
    assert reads["yhat"] == {"a3"}
    assert reads["loss"] == {"y", "yhat"}
    assert reads["grad_a3"] == {"y", "yhat"}
    assert reads["grad_W3"] == {"grad_a3", "h2"}
    assert reads["grad_W2"] == {"grad_a2", "h1"}
    assert reads["grad_b2"] == {"grad_a2"}
    assert reads["grad_h1"] == {"W2", "grad_a2"}
    assert reads["grad_a1"] == {"grad_h1", "a1"}
    assert reads["grad_h0"] == {"W1", "grad_a1"}


def test_every_read_was_written_before_or_is_an_input(registry):
    trace = trace_for(registry, [2, 5, 4, 3, 2], ["tanh", "relu", "gelu"])
    known = {"h0", "y"} | {f"W{k}" for k in range(1, 5)} | {f"b{k}" for k in range(1, 5)}
    for step in all_steps(trace):
        missing = set(step.reads) - known
        assert not missing, f"{step.quantity} reads {missing} before they are computed"
        for name in step.reads:
            assert trace.quantity(name) is not None
        known.add(step.quantity)


def test_formulas_follow_math_md(registry):
    trace = trace_for(registry, [3, 3, 3, 2], ["tanh", "tanh"])
    formulas = {s.quantity: s.formula for s in all_steps(trace)}
    assert formulas["a2"] == "a_2 = b_2 + W_2 h_1"
    assert formulas["h1"] == "h_1 = g(a_1)"
    assert formulas["grad_a3"].endswith("-(y - \\hat{y})")  # softmax + cross-entropy
    transpose = r"\^(\\top|\{\\mathrm\{T\}\}|T|\{T\})"  # however ᵀ is typeset
    assert re.search(r"\\nabla_\{a_2\} L.*h_1" + transpose, formulas["grad_W2"])
    assert re.search(r"W_2" + transpose + r".*\\nabla_\{a_2\} L", formulas["grad_h1"])
    assert "\\odot g'(a_1)" in formulas["grad_a1"]
    se = trace_for(registry, [2, 2], [], loss="squared_error")
    assert all_steps(se)[3].formula.endswith("-2(y - \\hat{y})")


def test_subscripts_with_two_digits():
    assert sub(3) == "_3" and sub(12) == "_{12}"


def test_to_json_and_values_are_jsonable(registry):
    trace = trace_for(registry, [3, 4, 2], ["tanh"], batch=1)
    for step in all_steps(trace):
        data = step.to_json(with_values=True)
        assert set(data) == {"phase", "layer", "quantity", "formula", "reads", "writes", "values"}
        assert data["writes"][0] == step.quantity
        json.dumps(data)
        if step.quantity == "loss":
            assert data["values"] == trace.loss
        elif step.quantity.startswith("grad_W"):
            assert np.array(data["values"]).shape == trace.quantity(step.quantity).shape
        else:  # one sample: a flat vector
            assert np.array(data["values"]).ndim == 1
    assert "values" not in all_steps(trace)[0].to_json()
    assert to_jsonable(np.ones((2, 3))) == [[1.0] * 3] * 2
    assert to_jsonable(np.float64(0.5)) == 0.5
