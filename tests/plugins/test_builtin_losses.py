"""Tests of the built-in loss plugin (plugins/losses.py)."""

import warnings

import numpy as np
import pytest

from plugins import losses

EXPECTED = ("softmax_cross_entropy", "squared_error", "binary_cross_entropy")


def _collect():
    specs = {}

    def register(name, output, value, gradient, **kw):
        specs[name] = dict(output=output, value=value, gradient=gradient, **kw)

    losses.register_losses(register=register)
    return specs


SPECS = _collect()


def _targets(name, rng, shape, dtype=np.float64):
    """Valid targets for each loss: one-hot rows, reals, or values in [0, 1]."""
    B, n = shape
    if name == "softmax_cross_entropy":
        return np.eye(n, dtype=dtype)[rng.integers(0, n, B)]
    if name == "binary_cross_entropy":
        return rng.uniform(0, 1, shape).astype(dtype)
    return rng.normal(0, 2, shape).astype(dtype)


def _total_loss(spec, y, a_L):
    return spec["value"](y, spec["output"](a_L)).sum()


def test_registers_every_builtin_with_the_contract_keywords():
    assert set(EXPECTED) <= set(SPECS)
    for name, spec in SPECS.items():
        contract = {"output", "value", "gradient", "formula", "description", "output_formula",
                    "gradient_formula"}
        optional = {"value_from_logits", "validate_target",  # documented additions (docs/plugins.md)
                    "output_name", "output_explanation", "explanation", "gradient_explanation",
                    "output_element_formula", "gradient_element_formula", "gradient_element_note",
                    "numpy_source"}
        assert contract <= set(spec) <= contract | optional, name
        assert spec["formula"].startswith("L =") and spec["description"]
    ce = SPECS["softmax_cross_entropy"]
    assert ce["output_formula"] == r"\hat{y} = \mathrm{softmax}(a_L)"
    assert ce["formula"] == r"L = -\sum_i y_i \log \hat{y}_i"
    assert ce["gradient_formula"] == r"\nabla_{a_L} L = -(y - \hat{y})"
    assert SPECS["squared_error"]["gradient_formula"] == r"\nabla_{a_L} L = -2(y - \hat{y})"


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_finite_differences_of_value_after_output(name, seed):
    spec = SPECS[name]
    rng = np.random.default_rng(seed)
    shape = (4, 3)
    a_L = rng.normal(0, 2, shape)
    y = _targets(name, rng, shape)
    analytic = spec["gradient"](y, spec["output"](a_L), a_L)
    assert analytic.shape == shape
    numeric = np.zeros(shape)
    h = 1e-6
    for idx in np.ndindex(shape):
        up, down = a_L.copy(), a_L.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (_total_loss(spec, y, up) - _total_loss(spec, y, down)) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shapes_and_dtypes(name, dtype):
    spec = SPECS[name]
    rng = np.random.default_rng(3)
    a_L = rng.normal(0, 2, (5, 4)).astype(dtype)
    y = _targets(name, rng, (5, 4), dtype)
    before = a_L.copy()
    y_hat = spec["output"](a_L)
    value = spec["value"](y, y_hat)
    grad = spec["gradient"](y, y_hat, a_L)
    assert y_hat.shape == (5, 4) and value.shape == (5,) and grad.shape == (5, 4)
    assert y_hat.dtype == value.dtype == grad.dtype == dtype
    assert not np.shares_memory(y_hat, a_L)
    np.testing.assert_array_equal(a_L, before)


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_and_warning_free_for_huge_pre_activations(name, dtype):
    spec = SPECS[name]
    a_L = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, 1000.0],
                    [1000.0, 1000.0, 1000.0]], dtype=dtype)
    y = np.eye(3, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # underflow to 0 (e.g. exp(-1000)) is the right answer, so it is not checked
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            y_hat = spec["output"](a_L)
            value = spec["value"](y, y_hat)
            grad = spec["gradient"](y, y_hat, a_L)
    for arr in (y_hat, value, grad):
        assert np.all(np.isfinite(arr)) and arr.dtype == dtype


def test_softmax_rows_sum_to_one_and_saturate_without_overflow():
    softmax = SPECS["softmax_cross_entropy"]["output"]
    rng = np.random.default_rng(4)
    a_L = rng.normal(0, 30, (50, 6))
    np.testing.assert_allclose(softmax(a_L).sum(axis=1), 1.0, rtol=1e-14)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(softmax(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])
        np.testing.assert_array_equal(softmax(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])
        np.testing.assert_array_equal(
            softmax(np.array([[1000.0, 0.0]], dtype=np.float32)), [[1.0, 0.0]])
    np.testing.assert_allclose(softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])


def test_cross_entropy_gradient_is_exactly_y_hat_minus_y():
    spec = SPECS["softmax_cross_entropy"]
    rng = np.random.default_rng(5)
    a_L = rng.normal(0, 1, (6, 3))
    y = np.eye(3)[rng.integers(0, 3, 6)]
    y_hat = spec["output"](a_L)
    np.testing.assert_array_equal(spec["gradient"](y, y_hat, a_L), y_hat - y)
    np.testing.assert_array_equal(SPECS["binary_cross_entropy"]["gradient"](y, y_hat, a_L),
                                  y_hat - y)
    np.testing.assert_array_equal(SPECS["squared_error"]["gradient"](y, y_hat, a_L),
                                  -2 * (y - y_hat))


def test_textbook_output_layer():
    # the 3-3-3-2 network of MATH.md; W printed as inputs x outputs, so transpose
    W1 = np.array([[0.1, 0.3, 0.8], [-0.3, -0.2, 0.5], [-0.3, 0.1, 0.4]]).T
    W2 = np.array([[0.4, 0.5, -0.3], [-0.1, -0.4, -0.5], [0.8, 0.2, 0.9]]).T
    W3 = np.array([[0.3, -0.5], [0.1, 0.2], [-0.1, -0.4]]).T
    h0 = np.array([2.0, 5.0, 3.0])
    a3 = W3 @ np.tanh(W2 @ np.tanh(W1 @ h0))
    spec = SPECS["softmax_cross_entropy"]
    y = np.array([[1.0, 0.0]])
    y_hat = spec["output"](a3[None, :])
    np.testing.assert_allclose(y_hat, [[0.6446, 0.3554]], atol=5e-5)
    np.testing.assert_allclose(spec["value"](y, y_hat), [0.4391], atol=5e-5)
    np.testing.assert_allclose(spec["gradient"](y, y_hat, a3[None, :]),
                               [[-0.3554, 0.3554]], atol=5e-5)


def test_known_values():
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    y_hat = np.array([[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(SPECS["softmax_cross_entropy"]["value"](y, y_hat),
                               [-np.log(0.75), -np.log(0.5)])
    np.testing.assert_allclose(SPECS["squared_error"]["value"](y, y_hat),
                               [0.25**2 + 0.25**2, 0.5])
    np.testing.assert_allclose(SPECS["binary_cross_entropy"]["value"](y, y_hat),
                               [-2 * np.log(0.75), -2 * np.log(0.5)])
    np.testing.assert_allclose(SPECS["binary_cross_entropy"]["output"](np.array([[0.0, 2.0]])),
                               [[0.5, 1 / (1 + np.exp(-2.0))]], rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_of_zero_is_guarded(dtype):
    y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    y_hat = np.array([[0.0, 1.0], [0.0, 1.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", invalid="raise"):
            ce = SPECS["softmax_cross_entropy"]["value"](y, y_hat)
            bce = SPECS["binary_cross_entropy"]["value"](y, y_hat)
    assert np.all(np.isfinite(ce)) and np.all(np.isfinite(bce))
    assert ce[0] > 50 and ce[1] == 0.0
    assert bce[0] > 50 and bce[1] == 0.0



@pytest.mark.parametrize("name", ["softmax_cross_entropy", "binary_cross_entropy"])
def test_the_value_from_logits_is_exact_where_the_output_saturates(name):
    """σ(40) rounds to 1, so log(1 - ŷ) from ŷ loses everything; from the logits the loss is 40."""
    spec = SPECS[name]
    if name == "binary_cross_entropy":
        a_L, y = np.array([[40.0], [-800.0], [0.3]]), np.array([[0.0], [1.0], [1.0]])
        expected = np.array([40.0 + np.log1p(np.exp(-40.0)), 800.0, np.log1p(np.exp(-0.3))])
    else:
        a_L, y = np.array([[800.0, 0.0], [0.3, -0.2]]), np.array([[0.0, 1.0], [1.0, 0.0]])
        expected = np.array([800.0, np.log1p(np.exp(-0.5))])
    np.testing.assert_allclose(spec["value_from_logits"](y, a_L), expected, rtol=1e-14)
    ordinary = spec["value"](y[-1:], spec["output"](a_L[-1:]))
    np.testing.assert_allclose(spec["value_from_logits"](y[-1:], a_L[-1:]), ordinary, rtol=1e-12)


def test_targets_are_checked():
    assert SPECS["softmax_cross_entropy"]["validate_target"](np.array([[0.3, 0.3]])) is not None
    assert SPECS["softmax_cross_entropy"]["validate_target"](np.array([[1.0, 0.0]])) is None
    assert SPECS["binary_cross_entropy"]["validate_target"](np.array([[1.5]])) is not None
