"""Colours of the decision boundary and of every neuron's map, one scale for both.

As in TensorFlow Playground, one scale runs from blue through white to orange: a neuron's
h is orange where positive and blue where negative (the sign colours of
:mod:`desktop_app.colours`, which the canvas uses for values and weights), and class 1
is orange, class 0 blue, so a sigmoid output's map and the decision boundary look alike.
More classes get more colours.

Only :func:`palette` reads the colour scheme (in the GUI thread); the rest is numpy on
arrays, so the maps' worker thread colours its results itself.
"""
from __future__ import annotations

import numpy as np

from .. import colours

MORE_CLASSES = [[60, 160, 70], [150, 80, 170], [200, 60, 60], [120, 120, 120]]  # classes 2, 3, …
WHITE = np.array([255.0, 255.0, 255.0])
STRONGEST = 0.85  # how much of the colour the most certain point shows (the points stay visible)


def palette() -> np.ndarray:
    """RGB rows of the current scheme: class 0 the negative sign's colour, class 1 the positive's, then more."""
    sign = [colours.q(role).getRgb()[:3] for role in ("negative", "positive")]
    return np.array(sign + MORE_CLASSES, dtype=float)


def class_colour(label: int, table: np.ndarray) -> tuple[int, int, int]:
    r, g, b = table[label % len(table)]
    return int(r), int(g), int(b)


def _blend(colour: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """White mixed with ``colour`` by ``strength`` (0 … 1), as uint8 RGB."""
    strength = np.clip(strength, 0.0, 1.0)[..., None] * STRONGEST
    return (WHITE * (1 - strength) + colour * strength).astype(np.uint8)


def signed_image(values: np.ndarray, scale: float, table: np.ndarray, discretize: bool = False) -> np.ndarray:
    """RGB of signed values: orange above 0, blue below, white at 0; full colour at ±scale."""
    values = np.nan_to_num(values)
    colour = np.where((values >= 0)[..., None], table[1], table[0])
    strength = np.ones_like(values) if discretize else np.abs(values) / (scale or 1.0)
    return _blend(colour, strength)


def boundary_image(yhat: np.ndarray, n_classes: int, table: np.ndarray, discretize: bool = False) -> np.ndarray:
    """RGB per point: the predicted class's colour, paler where the network is unsure.

    Parameters
    ----------
    yhat : ndarray, shape (N, n_outputs)
        Predicted probabilities; one column means P(class 1) of two classes.
    n_classes : int
        Number of classes of the dataset.
    table : ndarray
        The class colours (:func:`palette`).
    discretize : bool
        Every point in the full colour of its class (Playground's "discretize output").
    """
    probs = np.hstack([1 - yhat, yhat]) if yhat.shape[1] == 1 else yhat
    probs = np.nan_to_num(probs, nan=1.0 / max(n_classes, 1))
    best = probs.argmax(axis=1)
    chance = 1.0 / probs.shape[1]
    confidence = np.ones(len(best)) if discretize else (probs.max(axis=1) - chance) / (1 - chance)
    return _blend(table[best % len(table)], confidence)


def output_image(values: np.ndarray, unit: int, n_outputs: int, probabilities: bool, table: np.ndarray,
                 discretize: bool = False) -> np.ndarray:
    """RGB of output unit ``unit``'s ŷ: a class probability in its class's colour (a single
    sigmoid output: orange above ½, blue below); a regression output as a signed value."""
    if not probabilities:
        return signed_image(values, float(np.nanmax(np.abs(values))) or 1.0, table, discretize)
    if n_outputs == 1:
        return signed_image(2 * values - 1, 1.0, table, discretize)
    strength = (values > 1.0 / n_outputs).astype(float) if discretize else values
    return _blend(table[unit % len(table)], strength)


def neuron_image(values: np.ndarray, k: int, i: int, n_layers: int, n_outputs: int, probabilities: bool,
                 scale: float, table: np.ndarray, discretize: bool = False) -> np.ndarray:
    """RGB of neuron (k, i)'s map: an output unit's ŷ, else h_k signed on the layer's ``scale``."""
    if k == n_layers:
        return output_image(values, i, n_outputs, probabilities, table, discretize)
    return signed_image(values, scale, table, discretize)


def _disc(n: int) -> np.ndarray:
    """Alpha (0 … 255) of a disc filling an n × n square, its rim half a pixel soft."""
    centre = (n - 1) / 2
    y, x = np.mgrid[0:n, 0:n]
    distance = np.hypot(x - centre, y - centre)
    return (np.clip(n / 2 - distance, 0.0, 1.0) * 255).astype(np.uint8)


def in_a_circle(rgb: np.ndarray) -> np.ndarray:
    """RGBA of a square RGB image with everything outside the inscribed circle transparent."""
    n = rgb.shape[0]
    return np.dstack([rgb, _disc(n)])
