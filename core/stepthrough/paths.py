"""One weight, all paths: ∂L/∂w as the chain rule summed over every path to the loss.

For w = W_k[i, j] (1-based w_{k,i,j}: into unit i of layer k, from unit j of layer k-1),
every path runs a_k[i] → h_k[i] → a_{k+1}[p] → … → a_L[o] → L, and

    ∂L/∂w = Σ_paths ∂L/∂a_L[o] · Π (∂a_{m+1}[p]/∂h_m[q] = W_{m+1}[p, q]) (∂h_m[q]/∂a_m[q] = g'(a_m[q])) · h_{k-1}[j]

which the matrix form ∇W_k = ∇a_k h_{k-1}ᵀ computes for all weights at once.
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

MAX_PATHS = 5000  # listed one by one; beyond this only the count and the sum are given
MAX_WALK = 50_000  # paths summed one by one at most (about half a second)


class PathError(ValueError):
    pass


@dataclass
class Factor:
    label: str  # e.g. "∂a_3[1]/∂h_2[2]" (1-based units)
    symbol: str  # e.g. "w_3,1,2" or "g'(a_2[2])"
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
    matrix_value: float = 0.0  # ∇W_k[i, j] from ∇a_k h_{k-1}ᵀ
    finite_difference: float = 0.0  # (L(w + ε) - L(w - ε)) / 2ε

    @property
    def name(self) -> str:
        return f"w_{self.k},{self.i + 1},{self.j + 1}"


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
        factors = [Factor(f"∂L/∂a_{L}[{units[-1] + 1}]", f"∇a_{L}[{units[-1] + 1}]", float(grad_aL[units[-1]]))]
        for m in range(L - 1, k - 1, -1):  # from the output back to layer k
            p, q = units[m + 1 - k], units[m - k]
            factors.append(Factor(f"∂a_{m + 1}[{p + 1}]/∂h_{m}[{q + 1}]", f"w_{m + 1},{p + 1},{q + 1}",
                                  float(net.W(m + 1)[p, q])))
            factors.append(Factor(f"∂h_{m}[{q + 1}]/∂a_{m}[{q + 1}]", f"g'(a_{m}[{q + 1}])",
                                  float(g_prime[m][q])))
        factors.append(Factor(f"∂a_{k}[{i + 1}]/∂w_{k},{i + 1},{j + 1}", f"h_{k - 1}[{j + 1}]", float(h[k - 1][j])))
        product = float(np.prod([f.value for f in factors]))  # the chain rule along one path
        total += product
        if len(report.paths) < limit:
            report.paths.append(Path(units, factors, product))
    report.path_sum = total
    report.finite_difference = _finite_difference(trace, registry, k, i, j, eps)
    return report


def _finite_difference(trace: Trace, registry: Registry, k: int, i: int, j: int, eps: float) -> float:
    probe = trace.network.copy()
    kernel = Kernel(probe, registry)

    def loss() -> float:
        return kernel.mean_loss(probe.weights, probe.biases, trace.X, trace.Y)[0]

    return numeric_derivative(loss, probe.W(k), (i, j), eps)
