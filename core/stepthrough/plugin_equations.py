"""The loss plugin's formulas as equations of the step table.

A loss plugin writes ŷ = O(a_L), L and ∇a_L L in LaTeX with the symbols y, \\hat{y} and
a_L. This module finds those symbols in a formula: they are what the step reads, and where
they stand alone (not indexed like y_i, not inside a fraction or an exponent) the numbers
line puts their values in their place: -(y - \\hat{y}) becomes -([1, 0] - [0.64, 0.36]).
A formula whose symbols are all indexed (L = -\\sum_i y_i \\log \\hat{y}_i) keeps its form
and the numbers line lists the values it reads instead.
"""
from __future__ import annotations

import re

from core.stepthrough.notation import sub

DEFAULT_READS = {"yhat": ("a{L}",), "loss": ("y", "yhat"), "grad_aL": ("y", "yhat")}


def _symbols(L: int) -> list[tuple[re.Pattern, str]]:
    a_L = re.escape(f"a{sub(L)}")
    return [(re.compile(r"\\hat\{y\}|\\hat y(?![A-Za-z])"), "yhat"),
            (re.compile(a_L + r"(?![0-9}])"), f"a{L}"),
            (re.compile(r"(?<![A-Za-z\\])y(?![A-Za-z])"), "y")]


def split_equation(formula: str) -> tuple[str, str, str]:
    """(left side, first right side, the rest): ``ŷ = σ(a) = 1/(1+e^-a)`` → (ŷ, σ(a), = 1/…)."""
    depth, cuts = 0, []
    for i, ch in enumerate(formula):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "=" and depth == 0:
            cuts.append(i)
    if not cuts:
        return "", formula.strip(), ""
    end = cuts[1] if len(cuts) > 1 else len(formula)
    return formula[:cuts[0]].strip(), formula[cuts[0] + 1:end].strip(), formula[end:].strip()


def find_symbols(latex: str, L: int) -> list[tuple[int, int, str, bool]]:
    """Every y, ŷ and a_L in ``latex``: (start, end, name, stands alone)."""
    found = []
    taken: set[int] = set()
    for pattern, name in _symbols(L):
        for m in pattern.finditer(latex):
            if m.start() in taken or _inside_command(latex, m.start()):
                continue
            taken.update(range(m.start(), m.end()))
            after = latex[m.end():].lstrip()
            alone = _depth(latex, m.start()) == 0 and not after.startswith(("_", "^"))
            found.append((m.start(), m.end(), name, alone))
    return sorted(found)


def _depth(latex: str, at: int) -> int:
    return latex[:at].count("{") - latex[:at].count("}")


def _inside_command(latex: str, at: int) -> bool:
    """Is position ``at`` part of a command name such as \\hat or \\ell?"""
    m = re.search(r"\\[A-Za-z]*$", latex[:at])
    return m is not None and latex[at].isalpha()


def plugin_reads(kind: str, formula: str, L: int) -> tuple[str, ...]:
    """What a plugin step reads: the symbols its formula's right side mentions."""
    _, rhs, rest = split_equation(formula)
    names = [name for _, _, name, _ in find_symbols(rhs + " " + rest, L)]
    ordered = tuple(dict.fromkeys(n for n in ("y", "yhat", f"a{L}") if n in names))
    return ordered or tuple(n.format(L=L) for n in DEFAULT_READS[kind])


def substitution(formula: str, L: int) -> list[str | tuple[str]] | None:
    """The first right side as LaTeX pieces and (name,) slots for values, or None.

    None when a symbol is indexed or nested (its value cannot stand in its place) or when
    the right side mentions no symbol at all.
    """
    _, rhs, _ = split_equation(formula)
    symbols = find_symbols(rhs, L)
    if not symbols or not all(alone for *_, alone in symbols):
        return None
    pieces: list[str | tuple[str]] = []
    at = 0
    for start, end, name, _ in symbols:
        pieces.append(rhs[at:start])
        pieces.append((name,))
        at = end
    pieces.append(rhs[at:])
    return [p for p in pieces if p != ""]
