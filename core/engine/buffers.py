"""Where the passes keep their numbers: parameters in one flat vector, arrays made once.

Layer k's parameters are held as one matrix V_k = [W_kᵀ; b_kᵀ] of shape (n_{k-1} + 1, n_k):
the rows of W_kᵀ (inputs × outputs, the way the notes print W_k), then b_k as the last row.
With a 1 appended to the layer's input, a_k = b_k + W_k h_{k-1} is the single product
V_kᵀ [h_{k-1}; 1], and ∇V_k = [h_{k-1}; 1] ∇a_kᵀ holds ∇W_kᵀ and ∇b_k at once.

Every V_k lies in one flat vector θ, end to end, so an elementwise optimizer updates all
parameters with one call. ``W[k-1]`` (= V_k[:-1]ᵀ, shape (n_k, n_{k-1})) and ``b[k-1]``
(= V_k[-1]) are views into θ: the per-layer arrays an optimizer plugin updates in place.
Gradients use the same layout, so ∇θ, ∇V_k, ∇W_k and ∇b_k are views of one another too.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


class FlatParameters:
    """W_1, b_1, …, W_L, b_L of a network with layer widths ``sizes``, all views into ``flat``."""

    def __init__(self, sizes: Sequence[int], dtype=np.float64) -> None:
        shapes = [(n_in + 1, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.sizes = list(sizes)
        self.flat = np.zeros(sum(rows * cols for rows, cols in shapes), dtype=dtype)
        self.V: list[np.ndarray] = []  # V_k = [W_kᵀ; b_kᵀ], C-contiguous blocks of flat
        start = 0
        for rows, cols in shapes:
            self.V.append(self.flat[start:start + rows * cols].reshape(rows, cols))
            start += rows * cols
        self.W = [V[:-1].T for V in self.V]  # W_k, shape (n_k, n_{k-1})
        self.b = [V[-1] for V in self.V]  # b_k, shape (n_k,)
        self.arrays = [p for pair in zip(self.W, self.b) for p in pair]  # W_1, b_1, …: the optimizer order

    @classmethod
    def of(cls, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], dtype=np.float64) -> FlatParameters:
        """A flat copy of the per-layer arrays W_k (n_k × n_{k-1}) and b_k."""
        sizes = [np.shape(weights[0])[1]] + [np.shape(W)[0] for W in weights]
        parameters = cls(sizes, dtype)
        parameters.assign(weights, biases)
        return parameters

    @property
    def dtype(self) -> np.dtype:
        return self.flat.dtype

    def assign(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> None:
        """Copy W_k and b_k in (cast to this dtype)."""
        for W, b, W_view, b_view in zip(weights, biases, self.W, self.b, strict=True):
            W_view[...] = W
            b_view[...] = b

    def weight_norms(self) -> list[float]:
        """‖W_k‖ (Frobenius) for k = 1 … L: of ∇W_k when these are gradients."""
        # V_k[:-1] is C-contiguous, so vdot reads it in place: ‖W_k‖² = Σ_ij W_kij²
        return [math.sqrt(np.vdot(V[:-1], V[:-1])) for V in self.V]

    def all_finite(self) -> bool:
        return bool(np.isfinite(self.flat).all())


class Workspace:
    """The arrays of passes over batches of exactly ``batch`` samples, made once and reused.

    Every layer holds one column per sample, as MATH.md writes them: ``a[k]`` is a_k and
    ``grad_a[k]`` is ∇a_k (n_k × B, k = 1 … L), ``grad_h[k]`` is ∇h_k (n_k × B, k = 0 … L-1),
    and ``h[k]`` is [h_k; 1] ((n_k + 1) × B, its last row the constant 1 that multiplies
    b_{k+1}). ``inputs`` holds the samples as rows with a 1 appended, so ``h[0]`` = inputsᵀ.
    Loss plugins, which take one row per sample, get a_Lᵀ: a (B × n_L) view, no copy.
    """

    def __init__(self, sizes: Sequence[int], batch: int, dtype=np.float64) -> None:
        L, B = len(sizes) - 1, batch
        self.batch, self.dtype = batch, np.dtype(dtype)
        self.inputs = np.ones((B, sizes[0] + 1), dtype=dtype)
        self.h: list[np.ndarray] = [self.inputs.T] + [np.ones((n + 1, B), dtype=dtype) for n in sizes[1:-1]]
        self.a: list[Any] = [None] + [np.empty((n, B), dtype=dtype) for n in sizes[1:]]
        self.grad_a: list[Any] = [None] + [np.empty((n, B), dtype=dtype) for n in sizes[1:]]
        self.grad_h = [np.empty((n, B), dtype=dtype) for n in sizes[:-1]]
        self.g_prime: list[Any] = [None] * (L + 1)  # g'(a_k), kept by the backward pass
        self.yhat: Any = None  # ŷ as the loss plugin returned it (B × n_L)
