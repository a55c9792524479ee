"""The worked example of MATH.md: every number, computed by core.engine.run_trace.

The expected values below are typed in from MATH.md ("Correct values, rounded to 4
decimals"), not copied from a run of the code.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.engine.passes import run_trace

X = [2, 5, 3]
Y = [1, 0]

# MATH.md, "The worked example": the notes print W_k inputs × outputs (the transpose).
W1_PRINTED = [[0.1, 0.3, 0.8], [-0.3, -0.2, 0.5], [-0.3, 0.1, 0.4]]
W2_PRINTED = [[0.4, 0.5, -0.3], [-0.1, -0.4, -0.5], [0.8, 0.2, 0.9]]
W3_PRINTED = [[0.3, -0.5], [0.1, 0.2], [-0.1, -0.4]]

# MATH.md's correct values (4 decimals).
EXPECTED = {
    "a1": [-2.2, -0.1, 5.3],
    "h1": [-0.9757, -0.0997, 1.0000],
    "a2": [0.4196, -0.2480, 1.2425],
    "h2": [0.3966, -0.2431, 0.8462],
    "a3": [0.0101, -0.5854],
    "yhat": [0.6446, 0.3554],
    "grad_a3": [-0.3554, 0.3554],
    "grad_W3": [[-0.1410, 0.0864, -0.3007], [0.1410, -0.0864, 0.3007]],
    "grad_b3": [-0.3554, 0.3554],
    "grad_h2": [-0.2843, 0.0355, -0.1066],
    "grad_a2": [-0.2396, 0.0334, -0.0303],
    "grad_W2": [[0.2338, 0.0239, -0.2396], [-0.0326, -0.0033, 0.0334], [0.0295, 0.0030, -0.0303]],
    "grad_h1": [-0.0700, 0.0257, -0.2122],
    "grad_a1": [-0.0034, 0.0255, -0.0000],
    "grad_W1": [[-0.0067, -0.0168, -0.0101], [0.0509, 0.1273, 0.0764], [-0.0000, -0.0001, -0.0001]],
    "grad_h0": [0.0073, -0.0041, 0.0035],
}
EXPECTED_LOSS = 0.4391
NOTES_WRONG_GRAD_H2 = [0.23, -0.03, 0.09]


@pytest.fixture
def trace(textbook, registry):
    network, _ = textbook
    return run_trace(network, X, Y, registry)


def test_file_holds_the_transposed_printed_weights(textbook):
    network, extras = textbook
    assert network.sizes == [3, 3, 3, 2]
    assert network.activations == ["tanh", "tanh"]
    assert network.loss == "softmax_cross_entropy"
    for k, printed in enumerate((W1_PRINTED, W2_PRINTED, W3_PRINTED), start=1):
        np.testing.assert_array_equal(network.W(k), np.array(printed).T)
        np.testing.assert_array_equal(network.b(k), 0.0)
    assert extras["example"] == {"input": X, "target": Y}


@pytest.mark.parametrize("name", [n for n in EXPECTED if not n.startswith("grad_W")])
def test_vector_quantities_match_math_md(trace, name):
    got = np.asarray(trace.quantity(name))
    if name.startswith("grad_b"):
        assert got.shape == (len(EXPECTED[name]),)  # summed over the batch
    else:
        assert got.shape == (1, len(EXPECTED[name]))  # one sample, batch axis first
        got = got[0]
    np.testing.assert_allclose(got, EXPECTED[name], rtol=0, atol=0.5e-4 + 1e-12)
    assert np.array_equal(np.round(got, 4) + 0.0, np.array(EXPECTED[name]) + 0.0)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_weight_gradients_match_math_md(trace, k):
    got = trace.grad_W[k]
    want = np.array(EXPECTED[f"grad_W{k}"])
    assert got.shape == want.shape == trace.network.W(k).shape  # n_k × n_{k-1}
    assert np.array_equal(np.round(got, 4) + 0.0, want + 0.0)


def test_loss_matches_math_md(trace):
    assert round(trace.loss, 4) == EXPECTED_LOSS
    # L = -log ŷ_1 for the true class 1
    assert trace.loss == pytest.approx(-math.log(trace.yhat[0, 0]), rel=1e-12)


def test_grad_b_is_grad_a(trace):
    for k in (1, 2, 3):
        np.testing.assert_array_equal(trace.grad_b[k], trace.grad_a[k][0])


def test_notes_wrong_grad_h2_is_not_what_we_compute(trace):
    got = trace.grad_h[2][0]
    assert not np.allclose(got, NOTES_WRONG_GRAD_H2, atol=0.01)
    # even the signs of the first and last entries differ
    assert np.sign(got[0]) != np.sign(NOTES_WRONG_GRAD_H2[0])
    assert np.sign(got[2]) != np.sign(NOTES_WRONG_GRAD_H2[2])


def _independent_forward():
    """The forward pass by hand, from the printed weights (columns = outputs)."""
    W = [np.array(p).T for p in (W1_PRINTED, W2_PRINTED, W3_PRINTED)]
    h0 = np.array(X, dtype=float)
    a1 = W[0] @ h0
    h1 = np.tanh(a1)
    a2 = W[1] @ h1
    h2 = np.tanh(a2)
    a3 = W[2] @ h2
    e = np.exp(a3 - a3.max())
    yhat = e / e.sum()
    return W, h0, a1, h1, a2, h2, a3, yhat


def test_per_path_chain_rule_sum_for_w131(trace):
    """∂L/∂w_131 as MATH.md writes it: the sum over the paths through h_13.

    w_131 is the weight of layer 1 into unit 3 of layer 1 from input unit 1 (MATH.md's
    sum goes through h_13 = tanh(a_13) and a_13 = Σ_j w_13j x_j), i.e. W_1[2, 0] in
    0-based (n_k × n_{k-1}) indexing. The sum over paths must reach the loss through
    layers 2 and 3: from h_13 to each a_2j, then to each a_3i, then through softmax to
    each ŷ_m and finally to L = -log ŷ_1. Every factor is written out with explicit loops.
    """
    W, h0, a1, h1, a2, h2, a3, yhat = _independent_forward()
    y = np.array(Y, dtype=float)
    n2, n3 = 3, 2
    i1, j0 = 2, 0  # unit 3 of layer 1, input 1 (0-based)

    dL_dyhat = [-y[m] / yhat[m] for m in range(n3)]  # L = -Σ y_m log ŷ_m

    def dyhat_da3(m, i):  # softmax Jacobian
        return yhat[m] * ((1.0 if m == i else 0.0) - yhat[i])

    total = 0.0
    for j in range(n2):  # h_13 -> a_2j -> h_2j
        for i in range(n3):  # h_2j -> a_3i
            for m in range(n3):  # a_3i -> ŷ_m -> L
                path = (dL_dyhat[m] * dyhat_da3(m, i)
                        * W[2][i, j]  # ∂a_3i/∂h_2j
                        * (1 - np.tanh(a2[j]) ** 2)  # ∂h_2j/∂a_2j
                        * W[1][j, i1])  # ∂a_2j/∂h_13
                total += path
    total *= (1 - np.tanh(a1[i1]) ** 2)  # ∂h_13/∂a_13
    total *= h0[j0]  # ∂a_13/∂w_131 = x_1

    assert trace.grad_W[1][2, 0] == pytest.approx(total, rel=1e-10, abs=1e-15)
    assert round(total, 4) == EXPECTED["grad_W1"][2][0] + 0.0


def test_per_path_sum_with_math_md_factors(trace):
    """MATH.md's literal form: (Σ over the two outputs of ∂L/∂ŷ ∂ŷ/∂a_2· ∂a_2·/∂h_13) ∂h_13/∂a_13 ∂a_13/∂w_131.

    In MATH.md's two-layer reading the last layer is indexed 2; in our 3-layer example the
    same shape of sum is ∇h_1[2] = Σ_j ∇a_2[j] W_2[j, 2], then times g'(a_13) x_1.
    """
    _, h0, a1, *_ = _independent_forward()
    grad_a2 = trace.grad_a[2][0]
    W2 = trace.network.W(2)
    paths = sum(grad_a2[j] * W2[j, 2] for j in range(3))
    assert paths == pytest.approx(trace.grad_h[1][0, 2], rel=1e-12)
    value = paths * (1 - np.tanh(a1[2]) ** 2) * h0[0]
    assert value == pytest.approx(trace.grad_W[1][2, 0], rel=1e-12)


def test_independent_forward_agrees_with_trace(trace):
    _, h0, a1, h1, a2, h2, a3, yhat = _independent_forward()
    for name, want in (("h0", h0), ("a1", a1), ("h1", h1), ("a2", a2), ("h2", h2), ("a3", a3), ("yhat", yhat)):
        np.testing.assert_allclose(np.asarray(trace.quantity(name))[0], want, rtol=1e-12, atol=1e-14)


def test_finite_difference_of_w131_agrees(textbook, registry):
    """A learner's numerical check of a single weight (MATH.md) confirms ∇W_1[2, 0]."""
    network, _ = textbook
    trace = run_trace(network, X, Y, registry)
    eps = 1e-6
    probe = network.copy()
    probe.W(1)[2, 0] += eps
    up = run_trace(probe, X, Y, registry).loss
    probe.W(1)[2, 0] -= 2 * eps
    down = run_trace(probe, X, Y, registry).loss
    assert (up - down) / (2 * eps) == pytest.approx(trace.grad_W[1][2, 0], rel=1e-4, abs=1e-9)
