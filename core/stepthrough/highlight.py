"""What each step reads and writes, as canvas elements: neurons, edges and biases.

Neurons are (layer, unit) with 0-based units; edges are (k, i, j) for the entry W_k[i, j]
(into unit i of layer k from unit j of layer k-1); biases are (k, i).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.stepthrough.steps import Step


@dataclass(frozen=True)
class Highlight:
    read_neurons: frozenset = field(default_factory=frozenset)
    write_neurons: frozenset = field(default_factory=frozenset)
    read_edge_layers: frozenset = field(default_factory=frozenset)  # k: every edge of W_k is read
    write_edge_layers: frozenset = field(default_factory=frozenset)
    read_biases: frozenset = field(default_factory=frozenset)
    write_biases: frozenset = field(default_factory=frozenset)
    reads_target: bool = False  # the step reads y
    writes_loss: bool = False
    direction: str = "forward"  # the way a pulse runs along the edges: forward or backward
    sizes: tuple = ()

    # whole weight matrices are named by layer; these expand them (a 4096-wide layer has
    # millions of edges, so nothing expands them unless asked)
    @property
    def read_edges(self) -> frozenset:
        return frozenset(e for k in self.read_edge_layers for e in _edges(self.sizes, k))

    @property
    def write_edges(self) -> frozenset:
        return frozenset(e for k in self.write_edge_layers for e in _edges(self.sizes, k))


def _layer(sizes: list[int], k: int) -> frozenset:
    return frozenset((k, i) for i in range(sizes[k]))


def _edges(sizes, k: int):
    return ((k, i, j) for i in range(sizes[k]) for j in range(sizes[k - 1]))


def _biases(sizes: list[int], k: int) -> frozenset:
    return frozenset((k, i) for i in range(sizes[k]))


def highlight(step: Step, sizes: list[int]) -> Highlight:
    """The elements ``step`` reads and writes, for a network of layer widths ``sizes``."""
    L = len(sizes) - 1
    q, k = step.quantity, step.layer
    hl = _rule(step, sizes, L, q, k)
    return replace(hl, sizes=tuple(sizes))


def _rule(step: Step, sizes: list[int], L: int, q: str, k: int) -> Highlight:
    if step.phase == "forward":
        if q.startswith("a"):  # a_k = b_k + W_k h_{k-1}
            return Highlight(read_neurons=_layer(sizes, k - 1), read_edge_layers=frozenset({k}),
                             read_biases=_biases(sizes, k), write_neurons=_layer(sizes, k))
        if q.startswith("h") or q == "yhat":  # h_k = g(a_k), ŷ = O(a_L)
            return Highlight(read_neurons=_layer(sizes, k), write_neurons=_layer(sizes, k))
        if q == "loss":  # L = loss(y, ŷ)
            return Highlight(read_neurons=_layer(sizes, L), reads_target=True, writes_loss=True)
    if step.phase == "update":  # W_k ← W_k - η ∇W_k
        return Highlight(read_edge_layers=frozenset({k}), write_edge_layers=frozenset({k}),
                         read_biases=_biases(sizes, k), write_biases=_biases(sizes, k))
    back = "backward"
    if q == f"grad_a{L}":  # ∇a_L = -(y - ŷ)
        return Highlight(read_neurons=_layer(sizes, L), reads_target=True,
                         write_neurons=_layer(sizes, L), direction=back)
    if q.startswith("grad_W"):  # ∇W_k = ∇a_k h_{k-1}ᵀ
        return Highlight(read_neurons=_layer(sizes, k) | _layer(sizes, k - 1),
                         write_edge_layers=frozenset({k}), direction=back)
    if q.startswith("grad_b"):  # ∇b_k = ∇a_k
        return Highlight(read_neurons=_layer(sizes, k), write_biases=_biases(sizes, k), direction=back)
    if q.startswith("grad_h"):  # ∇h_{k-1} = W_kᵀ ∇a_k (step.layer is k-1)
        return Highlight(read_neurons=_layer(sizes, k + 1), read_edge_layers=frozenset({k + 1}),
                         write_neurons=_layer(sizes, k), direction=back)
    if q.startswith("grad_a"):  # ∇a_{k-1} = ∇h_{k-1} ⊙ g'(a_{k-1})
        return Highlight(read_neurons=_layer(sizes, k), write_neurons=_layer(sizes, k), direction=back)
    raise ValueError(f"no highlight rule for step {q!r}")
