"""One weight, all paths: ∂L/∂w as the chain rule summed over every path to the loss.

For W_{k,i,j} = W_k[i, j] (1-based: into unit i of layer k, from unit j of layer k-1; the
notes' w_kij), written in the notation of :mod:`core.stepthrough.notation`,
every path runs a_k[i] → h_k[i] → a_{k+1}[p] → … → a_L[o] → L, and

    ∂L/∂w = Σ_paths ∂L/∂a_L[o] · Π (∂a_{m+1}[p]/∂h_m[q] = W_{m+1}[p, q]) (∂h_m[q]/∂a_m[q] = g'(a_m[q])) · h_{k-1}[j]

which the matrix form ∇W_k = ∇a_k h_{k-1}ᵀ computes for all weights at once. With a
regularizer the loss is L + λ Σ_k R(W_k): the weight's gradient gains λ [∂R/∂W_k]_ij, a
term on no path (``PathReport.penalty``), and the finite difference moves that loss too.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.engine.gradcheck import numeric_derivative
from core.engine.passes import Kernel, Trace
from core.plugin_host.registry import Registry
from core.stepthrough.notation import Element

MAX_PATHS = 5000  # listed one by one; beyond this only the count and the sum are given
MAX_WALK = 50_000  # paths summed one by one at most (about half a second)


class PathError(ValueError):
    pass


@dataclass
class Factor:
    label: str  # e.g. "∂a₃,₁/∂h₂,₂" (1-based units)
    symbol: str  # e.g. "W₃,₁,₂" or "g′(a₂,₂)"
    value: float


@dataclass
class Path:
    units: tuple[int, ...]  # 0-based unit of each layer k … L the path passes through
    factors: list[Factor]
    product: float


@dataclass
class PathReport:
    k: int
    i: int
    j: int
    paths: list[Path] = field(default_factory=list)
    path_count: int = 0
    path_sum: float = 0.0  # Σ over paths of the chain-rule products
    penalty: float = 0.0  # λ [∂R/∂W_k]_ij with a regularizer (on no path), else 0
    matrix_value: float = 0.0  # ∇W_k[i, j] from ∇a_k h_{k-1}ᵀ (+ λ ∂R/∂W_k)
    finite_difference: float = 0.0  # (L(w + ε) - L(w - ε)) / 2ε

    @property
    def total(self) -> float:
        """∂L/∂w: the sum over the paths plus the regularizer's λ [∂R/∂W_k]_ij."""
        return self.path_sum + self.penalty

    @property
    def name(self) -> str:
        return Element(f"W{self.k}", (self.i + 1, self.j + 1)).text()


def weight_paths(trace: Trace, registry: Registry, k: int, i: int, j: int, *,
                 eps: float = 1e-6, limit: int = MAX_PATHS) -> PathReport:
    """Every path from W_k[i, j] (0-based i, j) to the loss for the trace's single sample."""
    if trace.batch_size != 1:
        raise PathError("the path view follows one sample; trace a single input")
    net, L = trace.network, trace.depth
    if not (1 <= k <= L and 0 <= i < net.sizes[k] and 0 <= j < net.sizes[k - 1]):
        raise PathError(f"there is no weight W_{k}[{i}, {j}] in a network of sizes {net.sizes}")
    h: list[Any] = [None if v is None else v[0] for v in trace.h]
    grad_aL = trace.grad_a[L][0]
    g_prime: list[Any] = [None if v is None else v[0] for v in trace.g_prime]
    report = PathReport(k, i, j, matrix_value=float(trace.grad_W[k][i, j]))
    later = [range(net.sizes[m]) for m in range(k + 1, L + 1)]
    report.path_count = math.prod(net.sizes[m] for m in range(k + 1, L + 1))  # Python int: no overflow
    if report.path_count > MAX_WALK:
        raise PathError(
            f"{report.name} reaches the loss through {report.path_count:,} paths, too many to walk one "
            f"by one (the view sums up to {MAX_WALK:,}); pick a weight nearer the output or narrow the "
            "later layers. The matrix form ∇W = ∇a hᵀ computes the same sum at once.")
    total = 0.0
    for tail in itertools.product(*later):
        units = (i, *tail)
        o = units[-1]
        factors = [Factor(_e(f"grad_a{L}", o), _e(f"grad_a{L}", o), float(grad_aL[o]))]
        for m in range(L - 1, k - 1, -1):  # from the output back to layer k
            p, q = units[m + 1 - k], units[m - k]
            factors.append(Factor(f"∂{_e(f'a{m + 1}', p)}/∂{_e(f'h{m}', q)}", _e(f"W{m + 1}", p, q),
                                  float(net.W(m + 1)[p, q])))
            factors.append(Factor(f"∂{_e(f'h{m}', q)}/∂{_e(f'a{m}', q)}", _e(f"gprime{m}", q),
                                  float(g_prime[m][q])))
        factors.append(Factor(f"∂{_e(f'a{k}', i)}/∂{_e(f'W{k}', i, j)}", _e(f"h{k - 1}", j), float(h[k - 1][j])))
        product = float(np.prod([f.value for f in factors]))  # the chain rule along one path
        total += product
        if len(report.paths) < limit:
            report.paths.append(Path(units, factors, product))
    report.path_sum = total
    if trace.regularizer is not None and trace.rate:  # + λ [∂R/∂W_k]_ij, beside the paths
        report.penalty = trace.rate * float(trace.penalty_gradients[k][i, j])
    report.finite_difference = _finite_difference(trace, registry, k, i, j, eps)
    return report


def _e(quantity: str, *index: int) -> str:
    """One element's name from 0-based indices: W₃,₁,₂, h₂,₂, ∂L/∂a₃,₁."""
    return Element(quantity, tuple(v + 1 for v in index)).text()


def _finite_difference(trace: Trace, registry: Registry, k: int, i: int, j: int, eps: float) -> float:
    probe = trace.network.copy()
    regularization = (trace.regularizer.name, trace.rate) if trace.regularizer is not None else None
    kernel = Kernel(probe, registry, regularization)  # the loss the trace's ∇W_k is of (λ Σ_k R(W_k) too)

    def loss() -> float:
        return kernel.mean_loss(probe.weights, probe.biases, trace.X, trace.Y)[0]

    return numeric_derivative(loss, probe.W(k), (i, j), eps)
