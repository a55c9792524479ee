"""Names of quantities and of their elements, in the notation of MATH.md.

A quantity is named as in `trace --json` (``a2``, ``h0``, ``yhat``, ``loss``, ``grad_W3``,
``W1``, ``b2``, ``y``) plus ``gprime1`` for g'(a_1) and ``eta`` for the learning rate.
An element is that name with 1-based indices, ``W1[3,1]`` or ``grad_h2[1]``: the stable,
serialisable way to point at one number (a lesson page, a test, the element view).
One weight is written one way everywhere: W_{k,i,j} is row i of W_k (unit i of layer k)
and column j (unit j of layer k-1), the notes' w_{kij}; unit i of h_k is h_{k,i}.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.stepthrough.latex_text import to_unicode

_NAME = re.compile(r"^(grad_)?(a|h|W|b|gprime)(\d+)$")


def sub(k: int) -> str:
    """A subscript in LaTeX: _3, or _{12} for two digits."""
    return f"_{k}" if k < 10 else f"_{{{k}}}"


def split(name: str) -> tuple[bool, str, int] | None:
    """``grad_W3`` -> (True, "W", 3); ``a2`` -> (False, "a", 2); None for yhat, loss, y, eta."""
    m = _NAME.match(name)
    return (bool(m.group(1)), m.group(2), int(m.group(3))) if m else None


def symbol(name: str) -> str:
    """The LaTeX symbol of a quantity: a_2, \\hat{y}, \\nabla_{W_3} L, g'(a_1), \\eta."""
    fixed = {"yhat": r"\hat{y}", "y": "y", "x": "x", "loss": "L", "eta": r"\eta", "lambda": r"\lambda",
             "penalty": r"\lambda \sum_k R(W_k)"}
    if name in fixed:
        return fixed[name]
    parts = split(name)
    if parts is None:
        raise KeyError(f"no quantity {name!r}")
    grad, letter, k = parts
    if letter == "gprime":
        return f"g'(a{sub(k)})"
    return rf"\nabla_{{{letter}{sub(k)}}} L" if grad else f"{letter}{sub(k)}"


def read_name(name: str) -> str:
    """The stored quantity a name is computed from: g'(a_k) is read from a_k."""
    parts = split(name)
    return f"a{parts[2]}" if parts is not None and parts[1] == "gprime" else name


def text(name: str) -> str:
    """The symbol as Unicode text: a₂, ŷ, ∇W₃ L."""
    return to_unicode(symbol(name))


@dataclass(frozen=True)
class Element:
    """One number of a quantity: ``Element("W1", (3, 1))`` is W_{1,3,1} (1-based indices)."""

    quantity: str
    index: tuple[int, ...] = ()

    def __str__(self) -> str:
        return self.quantity + (f"[{','.join(map(str, self.index))}]" if self.index else "")

    @classmethod
    def parse(cls, text: str) -> Element:
        """``"W1[3,1]"`` -> Element("W1", (3, 1)); ``"loss"`` -> Element("loss")."""
        m = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(?:\[\s*(\d+(?:\s*,\s*\d+)*)\s*\])?\s*", text)
        if not m:
            raise ValueError(f"{text!r} is not an element name such as W1[3,1] or grad_h2[1]")
        index = tuple(int(v) for v in m.group(2).split(",")) if m.group(2) else ()
        if any(i < 1 for i in index):
            raise ValueError(f"{text!r}: indices count from 1")
        return cls(m.group(1), index)

    @property
    def zero_based(self) -> tuple[int, ...]:
        return tuple(i - 1 for i in self.index)

    def latex(self) -> str:
        """W_{1,3,1}, h_{2,1}, \\hat{y}_1, \\partial L / \\partial a_{3,1} (the derivative of L)."""
        parts = split(self.quantity)
        if parts is None:
            base = symbol(self.quantity)
            return f"{base}_{{{','.join(map(str, self.index))}}}" if self.index else base
        grad, letter, k = parts
        if letter == "gprime":
            return f"g'(a_{{{','.join(map(str, (k, *self.index)))}}})"
        inner = f"{letter}_{{{','.join(map(str, (k, *self.index)))}}}" if self.index else f"{letter}{sub(k)}"
        return rf"\partial L/\partial {inner}" if grad else inner

    def text(self) -> str:
        """The element as Unicode text: W₁,₃,₁, h₂,₁, ∂L/∂a₃,₁."""
        return to_unicode(self.latex())
