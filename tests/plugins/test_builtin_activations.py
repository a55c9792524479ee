"""Tests of the built-in activation plugin (plugins/activations.py)."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins import activations

EXPECTED = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softplus", "elu", "gelu")
KINKED = ("relu", "leaky_relu", "elu")  # skip |a| < 1e-3 in finite differences


def _collect():
    specs = {}
    activations.register_activations(register=lambda name, **kw: specs.__setitem__(name, kw))
    return specs


SPECS = _collect()


def _central_difference(fn, a, h=1e-6):
    return (fn(a + h) - fn(a - h)) / (2 * h)


def test_registers_every_builtin_with_the_contract_keywords():
    assert set(EXPECTED) <= set(SPECS)
    for name, spec in SPECS.items():
        # the documented optional additions (docs/plugins.md)
        assert set(spec) - {"derivative_from_output", "numpy_source"} == {"fn", "derivative", "formula",
                                                                          "description", "derivative_formula"}, name
        assert "def g(a):" in spec["numpy_source"] and "def g_prime(a):" in spec["numpy_source"]
        assert callable(spec["fn"]) and callable(spec["derivative"])
        assert spec["formula"].startswith("g(a) =")
        assert spec["derivative_formula"].startswith("g'(a) =")
        assert spec["description"]
    assert SPECS["tanh"]["formula"] == r"g(a) = \tanh(a)"
    assert SPECS["tanh"]["derivative_formula"] == r"g'(a) = 1 - \tanh^2(a)"


@pytest.mark.parametrize("name", EXPECTED)
def test_derivative_matches_finite_differences_on_a_grid(name):
    spec = SPECS[name]
    a = np.linspace(-20.0, 20.0, 4001)
    if name in KINKED:
        a = a[np.abs(a) >= 1e-3]
    np.testing.assert_allclose(spec["derivative"](a), _central_difference(spec["fn"], a),
                               rtol=1e-6, atol=1e-8)


FROM_OUTPUT = ("sigmoid", "tanh", "softplus")


def test_the_cheap_derivatives_offer_g_prime_from_the_output():
    assert {name for name, spec in SPECS.items() if "derivative_from_output" in spec} == set(FROM_OUTPUT)


@pytest.mark.parametrize("name", FROM_OUTPUT)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_derivative_from_output_equals_the_derivative(name, dtype):
    """g'(a) from h = g(a) is g'(a), to rounding, over a wide grid (kinks and saturation included)."""
    spec = SPECS[name]
    a = np.concatenate([np.linspace(-30.0, 30.0, 6001), [0.0, -1e-300, 1e-300]]).astype(dtype)
    from_output = spec["derivative_from_output"](spec["fn"](a))
    assert from_output.dtype == dtype and from_output.shape == a.shape
    # near saturation both forms compute 1 - (a number near 1): they agree to the dtype's eps, absolutely
    rtol, atol = (1e-12, 1e-15) if dtype == np.float64 else (1e-5, 1e-7)
    np.testing.assert_allclose(from_output, spec["derivative"](a), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", EXPECTED)
@settings(max_examples=40, deadline=None)
@given(points=st.lists(st.floats(-20.0, 20.0), min_size=1, max_size=30))
def test_derivative_matches_finite_differences_hypothesis(name, points):
    spec = SPECS[name]
    a = np.array(points)
    if name in KINKED:
        a = a[np.abs(a) >= 1e-3]
    np.testing.assert_allclose(spec["derivative"](a), _central_difference(spec["fn"], a),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7,), (4, 3), (2, 3, 5), ()])
def test_shape_and_dtype_are_preserved(name, dtype, shape):
    spec = SPECS[name]
    a = np.random.default_rng(0).normal(0.0, 3.0, size=shape).astype(dtype)
    before = a.copy()
    for f in (spec["fn"], spec["derivative"]):
        out = np.asarray(f(a))
        assert out.shape == a.shape
        assert out.dtype == dtype
    np.testing.assert_array_equal(a, before)  # the input is never modified


@pytest.mark.parametrize("name", EXPECTED)
def test_output_does_not_share_memory_with_input(name):
    a = np.linspace(-2, 2, 9)
    assert not np.shares_memory(SPECS[name]["fn"](a), a)


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_at_plus_minus_1000(name, dtype):
    spec = SPECS[name]
    a = np.array([-1000.0, -100.0, -30.0, 0.0, 30.0, 100.0, 1000.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # underflow to 0 (e.g. exp(-1000)) is the right answer, so it is not checked
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            values, slopes = spec["fn"](a), spec["derivative"](a)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes))
    assert values.dtype == dtype and slopes.dtype == dtype


def test_limits_at_plus_minus_1000():
    a = np.array([-1000.0, 1000.0])
    expect = {
        "sigmoid": ([0.0, 1.0], [0.0, 0.0]),
        "tanh": ([-1.0, 1.0], [0.0, 0.0]),
        "relu": ([0.0, 1000.0], [0.0, 1.0]),
        "leaky_relu": ([-10.0, 1000.0], [0.01, 1.0]),
        "linear": ([-1000.0, 1000.0], [1.0, 1.0]),
        "softplus": ([0.0, 1000.0], [0.0, 1.0]),
        "elu": ([-1.0, 1000.0], [0.0, 1.0]),
        "gelu": ([0.0, 1000.0], [0.0, 1.0]),
    }
    for name, (values, slopes) in expect.items():
        np.testing.assert_allclose(SPECS[name]["fn"](a), values, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(SPECS[name]["derivative"](a), slopes, atol=1e-12,
                                   err_msg=name)


def test_known_values():
    a = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    sig = 1 / (1 + np.exp(-a))
    np.testing.assert_allclose(SPECS["sigmoid"]["fn"](a), sig, rtol=1e-15)
    np.testing.assert_allclose(SPECS["sigmoid"]["derivative"](a), sig * (1 - sig), rtol=1e-14)
    np.testing.assert_allclose(SPECS["tanh"]["derivative"](a), 1 - np.tanh(a) ** 2, rtol=1e-15)
    np.testing.assert_allclose(SPECS["softplus"]["fn"](a), np.log1p(np.exp(a)), rtol=1e-15)
    np.testing.assert_allclose(SPECS["elu"]["fn"](a), np.where(a > 0, a, np.expm1(a)))
    np.testing.assert_array_equal(SPECS["leaky_relu"]["fn"](a), np.where(a > 0, a, 0.01 * a))
    c = math.sqrt(2 / math.pi)
    gelu = [0.5 * x * (1 + math.tanh(c * (x + 0.044715 * x**3))) for x in a]
    np.testing.assert_allclose(SPECS["gelu"]["fn"](a), gelu, rtol=1e-14, atol=1e-16)
    assert SPECS["gelu"]["fn"](np.array([1.0]))[0] == pytest.approx(0.8411919906082768)


def test_conventions_at_zero():
    zero = np.zeros(3)
    np.testing.assert_array_equal(SPECS["relu"]["derivative"](zero), 0.0)
    np.testing.assert_array_equal(SPECS["leaky_relu"]["derivative"](zero), 0.01)
    np.testing.assert_array_equal(SPECS["elu"]["derivative"](zero), 1.0)
    np.testing.assert_array_equal(SPECS["sigmoid"]["fn"](zero), 0.5)
    np.testing.assert_array_equal(SPECS["sigmoid"]["derivative"](zero), 0.25)
    np.testing.assert_array_equal(SPECS["gelu"]["derivative"](zero), 0.5)


def test_leaky_relu_derivative_is_exact_in_float32():
    a = np.array([-3.0, 2.0], dtype=np.float32)
    np.testing.assert_array_equal(SPECS["leaky_relu"]["derivative"](a),
                                  np.array([0.01, 1.0], dtype=np.float32))


@pytest.mark.parametrize("name", EXPECTED)
def test_nan_propagates(name):
    out = SPECS[name]["fn"](np.array([np.nan, 1.0]))
    assert np.isnan(out[0]) and np.isfinite(out[1])
