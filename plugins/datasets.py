"""Built-in toy data sets, in the style of TensorFlow Playground.

Every generator is ``generate(n_samples, seed, **params) -> (X, y)``: X is float64 of
shape (n_samples, n_inputs); for classification y is int64 labels 0..n_classes-1 of
shape (n_samples,), balanced (class sizes differ by at most one); for regression y is
float64 of shape (n_samples, 1). The same seed always gives the same data
(``numpy.random.default_rng(seed)``); samples come in shuffled order.

Coordinates lie roughly in [-6, 6] on each axis, as in TensorFlow Playground.
``noise`` is in coordinate units: the standard deviation of Gaussian noise added to
each coordinate (for ``gaussians``, the standard deviation of each blob). Labels are
assigned by construction, before the noise, so noise makes classes overlap instead
of unbalancing them.

This module needs only NumPy and pluggy, like any third-party plugin.
"""

from __future__ import annotations

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")

#: half-width of the region the 2-D data sets fill
EXTENT = 5.0


def _start(n_samples, n_classes, seed, noise):
    """Check arguments and return (rng, balanced labels in shuffled order)."""
    n = int(n_samples)
    if n != n_samples or n < max(n_classes, 1):
        raise ValueError(f"n_samples must be an integer >= {max(n_classes, 1)}, "
                         f"got {n_samples!r}")
    if not noise >= 0.0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n, dtype=np.int64) % n_classes if n_classes else None
    if labels is not None:
        rng.shuffle(labels)
    return rng, labels


def _add_noise(rng, X, noise):
    """Add N(0, noise²) to every coordinate, in place; return X."""
    if noise > 0.0:
        X += rng.normal(0.0, noise, size=X.shape)
    return X


def xor(n_samples=200, seed=0, *, noise=0.2, padding=0.3):
    """XOR quadrants: class 1 where x1 and x2 have opposite signs.

    Parameters
    ----------
    n_samples : int
        Number of points.
    seed : int or None
        Random seed.
    noise : float
        Standard deviation of the noise added to each coordinate.
    padding : float
        Gap kept free around both axes before the noise.

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_samples, 2), in about [-5, 5]².
    y : numpy.ndarray
        int64, shape (n_samples,), 0 (same signs) or 1 (opposite signs).
    """
    rng, y = _start(n_samples, 2, seed, noise)
    X = rng.uniform(padding, EXTENT, size=(len(y), 2))
    s1 = rng.choice((-1.0, 1.0), size=len(y))
    # sign(x1 x2) = +1 for class 0 and -1 for class 1
    X[:, 0] *= s1
    X[:, 1] *= s1 * (1.0 - 2.0 * y)
    return _add_noise(rng, X, noise), y


def circles(n_samples=200, seed=0, *, noise=0.2):
    """A disc of class 1 inside a ring of class 0.

    Parameters
    ----------
    n_samples : int
        Number of points.
    seed : int or None
        Random seed.
    noise : float
        Standard deviation of the noise added to each coordinate.

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_samples, 2); radius < 2.5 inside, 3.5 to 5 in the ring.
    y : numpy.ndarray
        int64, shape (n_samples,), 1 inside, 0 in the ring.
    """
    rng, y = _start(n_samples, 2, seed, noise)
    inner = y == 1
    # radius uniform in [0, 2.5] for the disc and [3.5, 5] for the ring
    r = np.where(inner, rng.uniform(0.0, 0.5 * EXTENT, len(y)),
                 rng.uniform(0.7 * EXTENT, EXTENT, len(y)))
    angle = rng.uniform(0.0, 2.0 * np.pi, len(y))
    # (x1, x2) = r (cos φ, sin φ)
    X = np.stack((r * np.cos(angle), r * np.sin(angle)), axis=1)
    return _add_noise(rng, X, noise), y


def gaussians(n_samples=200, seed=0, *, noise=1.0, distance=2.0):
    """Two Gaussian blobs centred at (d, d) and (-d, -d).

    Parameters
    ----------
    n_samples : int
        Number of points.
    seed : int or None
        Random seed.
    noise : float
        Standard deviation of each blob along each axis.
    distance : float
        d, each centre's coordinate.

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_samples, 2).
    y : numpy.ndarray
        int64, shape (n_samples,), 0 for the blob at (d, d), 1 for (-d, -d).
    """
    rng, y = _start(n_samples, 2, seed, noise)
    # centre (d, d) for class 0 and (-d, -d) for class 1
    centre = distance * (1.0 - 2.0 * y)
    X = np.stack((centre, centre), axis=1)
    return _add_noise(rng, X, noise), y


def _spiral(n_samples, seed, noise, turns, n_classes):
    """Interleaved spiral arms, one per class, rotated by 2π/n_classes."""
    rng, y = _start(n_samples, n_classes, seed, noise)
    s = rng.uniform(0.0, 1.0, len(y))
    # arm k: r = 5 s, φ = 2π (turns · s + k / n_classes)
    r = EXTENT * s
    angle = 2.0 * np.pi * (turns * s + y / n_classes)
    X = np.stack((r * np.sin(angle), r * np.cos(angle)), axis=1)
    return _add_noise(rng, X, noise), y


def spiral(n_samples=200, seed=0, *, noise=0.2, turns=0.875):
    """Two interleaved spirals.

    Parameters
    ----------
    n_samples : int
        Number of points.
    seed : int or None
        Random seed.
    noise : float
        Standard deviation of the noise added to each coordinate.
    turns : float
        Number of full turns of each arm (TensorFlow Playground uses 0.875).

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_samples, 2), radius up to 5.
    y : numpy.ndarray
        int64, shape (n_samples,), the arm: 0 or 1.
    """
    return _spiral(n_samples, seed, noise, turns, 2)


def spiral3(n_samples=300, seed=0, *, noise=0.2, turns=0.875):
    """Three interleaved spirals.

    Parameters
    ----------
    n_samples : int
        Number of points.
    seed : int or None
        Random seed.
    noise : float
        Standard deviation of the noise added to each coordinate.
    turns : float
        Number of full turns of each arm.

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_samples, 2), radius up to 5.
    y : numpy.ndarray
        int64, shape (n_samples,), the arm: 0, 1 or 2.
    """
    return _spiral(n_samples, seed, noise, turns, 3)


def moons(n_samples=200, seed=0, *, noise=0.3):
    """Two interleaving half circles (scikit-learn's moons, scaled by 3 and centred).

    Parameters
    ----------
    n_samples : int
        Number of points.
    seed : int or None
        Random seed.
    noise : float
        Standard deviation of the noise added to each coordinate.

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_samples, 2), in about [-4.5, 4.5] x [-2.25, 2.25].
    y : numpy.ndarray
        int64, shape (n_samples,), 0 for the upper moon, 1 for the lower.
    """
    rng, y = _start(n_samples, 2, seed, noise)
    angle = rng.uniform(0.0, np.pi, len(y))
    lower = y == 1
    # upper: (cos φ, sin φ); lower: (1 - cos φ, 0.5 - sin φ); then centre and scale
    x1 = np.where(lower, 1.0 - np.cos(angle), np.cos(angle)) - 0.5
    x2 = np.where(lower, 0.5 - np.sin(angle), np.sin(angle)) - 0.25
    X = 3.0 * np.stack((x1, x2), axis=1)
    return _add_noise(rng, X, noise), y


def sine(n_samples=200, seed=0, *, noise=0.1):
    """1-D regression: y = sin(x) + noise, x uniform in [-6, 6].

    Parameters
    ----------
    n_samples : int
        Number of points.
    seed : int or None
        Random seed.
    noise : float
        Standard deviation of the Gaussian noise added to y.

    Returns
    -------
    X : numpy.ndarray
        float64, shape (n_samples, 1).
    y : numpy.ndarray
        float64, shape (n_samples, 1).
    """
    rng, _ = _start(n_samples, 0, seed, noise)
    X = rng.uniform(-6.0, 6.0, size=(int(n_samples), 1))
    # y = sin(x) + ε, ε ~ N(0, noise²)
    y = _add_noise(rng, np.sin(X), noise)
    return X, y


_BUILTINS = (
    ("xor", xor, {"n_samples": 200, "noise": 0.2, "padding": 0.3}, "classification", 2, 2,
     "XOR: the class is whether the two coordinates have opposite signs. Needs a "
     "hidden layer."),
    ("circles", circles, {"n_samples": 200, "noise": 0.2}, "classification", 2, 2,
     "A disc of one class inside a ring of the other."),
    ("gaussians", gaussians, {"n_samples": 200, "noise": 1.0, "distance": 2.0},
     "classification", 2, 2,
     "Two Gaussian blobs: linearly separable when the noise is small."),
    ("spiral", spiral, {"n_samples": 200, "noise": 0.2, "turns": 0.875},
     "classification", 2, 2, "Two interleaved spirals: hard, needs a deeper network."),
    ("spiral3", spiral3, {"n_samples": 300, "noise": 0.2, "turns": 0.875},
     "classification", 2, 3, "Three interleaved spirals, one class per arm."),
    ("moons", moons, {"n_samples": 200, "noise": 0.3}, "classification", 2, 2,
     "Two interleaving half circles."),
    ("sine", sine, {"n_samples": 200, "noise": 0.1}, "regression", 1, None,
     "1-D regression: y = sin(x) plus Gaussian noise, x in [-6, 6]."),
)


@hookimpl
def register_datasets(register):
    """Register the built-in data sets.

    Parameters
    ----------
    register : callable
        Called once per data set as ``register(name, generate, *, defaults, task,
        n_inputs, n_classes, description)``.
    """
    for name, generate, defaults, task, n_inputs, n_classes, description in _BUILTINS:
        register(
            name=name,
            generate=generate,
            defaults=dict(defaults),
            task=task,
            n_inputs=n_inputs,
            n_classes=n_classes,
            description=description,
        )
