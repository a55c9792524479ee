"""What is selected on the canvas: a layer, a neuron, a weight or a bias."""
from __future__ import annotations

from dataclasses import dataclass

from core.stepthrough.notation import Element, split


@dataclass(frozen=True)
class Selection:
    """A selected part of the network, with 0-based unit indices.

    Attributes
    ----------
    kind : {"layer", "neuron", "weight", "bias"} or None
        What is selected.
    layer : int
        k, the layer (for a weight or bias: the layer of W_k / b_k, k ≥ 1).
    i : int or None
        Unit of layer k (the row of W_k).
    j : int or None
        Unit of layer k-1 (the column of W_k); only for a weight.
    """

    kind: str | None
    layer: int = 0
    i: int | None = None
    j: int | None = None

    @property
    def k(self) -> int:
        return self.layer

    def label(self) -> str:
        """A short name with 1-based units, the notation everywhere: ``W₂,₁,₃``, ``b₂,₁``."""
        k = self.layer
        if self.kind == "weight":
            return Element(f"W{k}", (self.i + 1, self.j + 1)).text()
        if self.kind == "bias":
            return Element(f"b{k}", (self.i + 1,)).text()
        if self.kind == "neuron":
            return f"neuron {self.i + 1} of layer {k}"
        if self.kind == "layer":
            return f"layer {k}"
        return ""


def selection_of(element: Element | str, sizes: list[int]) -> Selection:
    """The canvas part holding an element: ``W2[1,3]`` or ``grad_W2[1,3]`` is the weight W_{2,1,3},
    ``b1[2]`` a bias, ``h2[1]``, ``grad_a3[2]`` or ``yhat[1]`` a neuron (1-based, as in lessons)."""
    element = Element.parse(element) if isinstance(element, str) else element
    depth = len(sizes) - 1
    parts = split(element.quantity)
    index = element.zero_based
    if element.quantity == "yhat" and len(index) == 1:
        return Selection("neuron", depth, index[0])
    if parts is None or parts[1] == "gprime":
        raise ValueError(f"{element} is not on the canvas (name a neuron, weight or bias, e.g. W1[3,1])")
    _, letter, k = parts
    kind, size = {"W": ("weight", 2), "b": ("bias", 1)}.get(letter, ("neuron", 1))
    if len(index) != size or not 0 <= k <= depth or (kind != "neuron" and k < 1):
        raise ValueError(f"{element} does not name one {kind} of a network of depth {depth}")
    selection = Selection(kind, k, index[0], index[1] if size == 2 else None)
    if index[0] >= sizes[k] or (size == 2 and index[1] >= sizes[k - 1]):
        raise ValueError(f"{element} is outside the network (layer widths {sizes})")
    return selection
