"""What each step reads and writes, as canvas elements: neurons, edges and biases.

Derived from the step's ``reads`` and ``writes`` (the step table), never written per step:
a_k, h_k, ∇a_k, ∇h_k and g'(a_k) live on the neurons of layer k, ŷ on the output layer,
W_k and ∇W_k on the edges into layer k, b_k and ∇b_k on its bias markers, y is the target.
Neurons are (layer, unit) with 0-based units; edges are (k, i, j) for the entry W_k[i, j]
(into unit i of layer k from unit j of layer k-1); biases are (k, i).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.stepthrough.notation import split
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


def _edges(sizes, k: int):
    return ((k, i, j) for i in range(sizes[k]) for j in range(sizes[k - 1]))


def place(name: str, depth: int) -> tuple[str, int] | None:
    """Where a quantity is drawn: ("neurons", k), ("edges", k), ("biases", k), ("target", L),
    ("loss", L), or None (η)."""
    if name == "yhat":
        return ("neurons", depth)
    if name in ("y", "loss"):
        return (name if name == "loss" else "target", depth)
    parts = split(name)
    if parts is None:
        return None
    _, letter, k = parts
    return ({"W": "edges", "b": "biases"}.get(letter, "neurons"), k)


def _collect(names, sizes: list[int]) -> dict[str, frozenset]:
    L = len(sizes) - 1
    found: dict[str, set] = {"neurons": set(), "edges": set(), "biases": set(), "target": set(), "loss": set()}
    for name in names:
        where = place(name, L)
        if where is None:
            continue
        kind, k = where
        if kind in ("neurons", "biases"):
            found[kind] |= {(k, i) for i in range(sizes[k])}
        else:
            found[kind].add(k)
    return {kind: frozenset(v) for kind, v in found.items()}


def highlight(step: Step, sizes: list[int]) -> Highlight:
    """The elements ``step`` reads and writes, for a network of layer widths ``sizes``."""
    reads, writes = _collect(step.reads, sizes), _collect(step.writes, sizes)
    return Highlight(read_neurons=reads["neurons"], write_neurons=writes["neurons"],
                     read_edge_layers=reads["edges"], write_edge_layers=writes["edges"],
                     read_biases=reads["biases"], write_biases=writes["biases"],
                     reads_target=bool(reads["target"]), writes_loss=bool(writes["loss"]),
                     direction="backward" if step.phase == "backward" else "forward",
                     sizes=tuple(sizes))


def with_sizes(hl: Highlight, sizes) -> Highlight:
    return replace(hl, sizes=tuple(sizes))
