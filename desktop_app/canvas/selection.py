"""What is selected on the canvas: a layer, a neuron, a weight or a bias."""
from __future__ import annotations

from dataclasses import dataclass


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
        """A short name with 1-based units as the canvas shows them: ``w_2[1,3]``."""
        k = self.layer
        if self.kind == "weight":
            return f"w_{k}[{self.i + 1},{self.j + 1}]"
        if self.kind == "bias":
            return f"b_{k}[{self.i + 1}]"
        if self.kind == "neuron":
            return f"neuron {self.i + 1} of layer {k}"
        if self.kind == "layer":
            return f"layer {k}"
        return ""
