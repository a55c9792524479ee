"""Tests of the built-in data set plugin (plugins/datasets.py)."""

import numpy as np
import pytest

from plugins import datasets

EXPECTED = {  # name -> (task, n_inputs, n_classes)
    "xor": ("classification", 2, 2),
    "circles": ("classification", 2, 2),
    "gaussians": ("classification", 2, 2),
    "spiral": ("classification", 2, 2),
    "spiral3": ("classification", 2, 3),
    "moons": ("classification", 2, 2),
    "sine": ("regression", 1, None),
}


def _collect():
    specs = {}

    def register(name, generate, **kw):
        specs[name] = dict(generate=generate, **kw)

    datasets.register_datasets(register=register)
    return specs


SPECS = _collect()
NAMES = sorted(EXPECTED)


def _generate(name, n_samples=None, seed=0, **overrides):
    spec = SPECS[name]
    params = {k: v for k, v in spec["defaults"].items() if k not in ("n_samples", "seed")}
    params.update(overrides)
    n = spec["defaults"]["n_samples"] if n_samples is None else n_samples
    return spec["generate"](n, seed, **params)


def test_registers_every_builtin_with_its_metadata():
    assert set(EXPECTED) <= set(SPECS)
    for name, (task, n_inputs, n_classes) in EXPECTED.items():
        spec = SPECS[name]
        assert set(spec) == {"generate", "defaults", "task", "n_inputs", "n_classes",
                             "description"}
        assert (spec["task"], spec["n_inputs"], spec["n_classes"]) == (task, n_inputs, n_classes)
        assert spec["defaults"]["n_samples"] > 0 and spec["defaults"]["noise"] >= 0
        assert spec["description"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_samples", [None, 3, 7, 201])
def test_shapes_dtypes_and_labels(name, n_samples):
    task, n_inputs, n_classes = EXPECTED[name]
    X, y = _generate(name, n_samples)
    n = SPECS[name]["defaults"]["n_samples"] if n_samples is None else n_samples
    assert X.shape == (n, n_inputs) and X.dtype == np.float64
    assert np.all(np.isfinite(X))
    if task == "regression":
        assert y.shape == (n, 1) and y.dtype == np.float64
        assert np.all(np.isfinite(y))
    else:
        assert y.shape == (n,) and y.dtype == np.int64
        counts = np.bincount(y, minlength=n_classes)
        assert len(counts) == n_classes  # labels in 0..n_classes-1
        assert counts.max() - counts.min() <= 1  # balanced


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_for_a_seed_and_different_across_seeds(name):
    X1, y1 = _generate(name, seed=123)
    X2, y2 = _generate(name, seed=123)
    X3, _ = _generate(name, seed=124)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", NAMES)
def test_coordinates_in_the_documented_range(name):
    X, _ = _generate(name, 1000)
    assert np.all(np.abs(X) <= 6.5)
    assert np.abs(X).max() > 3.0  # fills the playground-sized region, not [-1, 1]


@pytest.mark.parametrize("name", NAMES)
def test_noise_free_classes_are_what_the_name_says(name):
    X, y = _generate(name, 400, noise=0.0 if name != "gaussians" else 0.5)
    if name == "xor":
        np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    elif name == "circles":
        r = np.hypot(X[:, 0], X[:, 1])
        np.testing.assert_array_equal(y, (r < 3.0).astype(int))
    elif name == "gaussians":
        assert np.mean((X.sum(axis=1) < 0) == (y == 1)) > 0.95
    elif name == "sine":
        np.testing.assert_allclose(y[:, 0], np.sin(X[:, 0]))
    elif name.startswith("spiral"):
        k = EXPECTED[name][2]
        # the arms are rotated copies: angle - 2π turns s - 2πk/K ≡ 0
        r = np.hypot(X[:, 0], X[:, 1])
        angle = np.arctan2(X[:, 0], X[:, 1])
        turn = 2 * np.pi * (SPECS[name]["defaults"]["turns"] * r / 5 + y / k)
        np.testing.assert_allclose(np.cos(angle - turn), 1.0, atol=1e-9)
    elif name == "moons":
        # each moon is half of a circle of radius 3 around its (scaled) centre
        centre = np.where(y[:, None] == 1, [1.5, 0.75], [-1.5, -0.75])
        np.testing.assert_allclose(np.hypot(*(X - centre).T), 3.0)
        upper = X[:, 1] >= centre[:, 1] - 1e-12
        np.testing.assert_array_equal(upper, y == 0)


def test_noise_increases_spread():
    X, y = _generate("sine", 2000, noise=0.5)
    assert np.std(y[:, 0] - np.sin(X[:, 0])) == pytest.approx(0.5, rel=0.1)


@pytest.mark.parametrize("name", NAMES)
def test_invalid_arguments(name):
    with pytest.raises(ValueError):
        _generate(name, 0)
    with pytest.raises(ValueError):
        _generate(name, noise=-1.0)
