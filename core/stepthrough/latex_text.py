"""Mathtext LaTeX as Unicode text, for the terminal: ``\\nabla_{a_3} L = -(y - \\hat{y})``
becomes ``∇a₃ L = −(y − ŷ)``.

Covers what the step table and the plugins' formulas use: Greek letters and operators,
``\\hat``, ``\\mathrm``, ``\\frac``, sub- and superscripts (Unicode sub/superscript
characters where every character has one, else ``_x`` / ``^(…)``), ``\\left``/``\\right``
and spacing. Anything unknown is written as its name without the backslash.
"""
from __future__ import annotations

import re
import unicodedata

SYMBOLS = {
    "nabla": "∇", "odot": "⊙", "cdot": "·", "times": "×", "sum": "Σ", "prod": "Π", "partial": "∂",
    "leftarrow": "←", "rightarrow": "→", "to": "→", "top": "ᵀ", "ell": "ℓ", "infty": "∞",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "varphi": "φ", "psi": "ψ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "Phi": "Φ",
    "log": "log", "ln": "ln", "exp": "exp", "tanh": "tanh", "max": "max", "min": "min", "sin": "sin",
    "cos": "cos", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "approx": "≈", "in": "∈",
    "pm": "±", "mid": "|", "lvert": "|", "rvert": "|", "vert": "|", "cdots": "⋯", "ldots": "…", "dots": "…",
    "quad": "  ", "qquad": "    ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "{": "{", "}": "}",
    "_": "_", "%": "%", "#": "#", "&": "&", "langle": "⟨", "rangle": "⟩", "circ": "∘",
}
BINARY = {"odot", "cdot", "times", "leftarrow", "rightarrow", "to", "le", "leq", "ge", "geq", "neq", "approx",
          "in", "pm", "circ"}
ACCENTS = {"hat": "\u0302", "tilde": "\u0303", "bar": "\u0304", "vec": "\u20d7", "dot": "\u0307"}
STYLES = ("mathrm", "mathit", "mathbf", "text", "textrm", "operatorname", "mathsf", "mathcal", "boldsymbol")
SUB = dict(zip("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
SUP = dict(zip("0123456789+-=()inT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀ"))
TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}_^])|(\s+)|(.)", re.S)


def to_unicode(latex: str) -> str:
    """The formula ``latex`` (mathtext, without the $ signs) as one line of Unicode text."""
    tokens = [m for m in TOKEN.finditer(latex)]
    text, _ = _sequence(tokens, 0, stop_at_brace=False)
    text = re.sub(r"(?<=\S)-(?=\S)", "−", text)  # a - b and -x: the minus sign, not a hyphen
    text = text.replace(" - ", " − ").replace("(-", "(−").replace("= -", "= −")
    if text.startswith("-"):
        text = "−" + text[1:]
    return unicodedata.normalize("NFC", re.sub(r" {2,}", " ", text).strip())  # y + ̂ is ŷ


def _sequence(tokens, i: int, *, stop_at_brace: bool) -> tuple[str, int]:
    out: list[str] = []
    while i < len(tokens):
        m = tokens[i]
        if m.group(2) == "}" and stop_at_brace:
            return "".join(out), i + 1
        piece, i = _atom(tokens, i)
        if piece is None:
            continue
        while i < len(tokens) and tokens[i].group(2) in ("_", "^"):
            mark = tokens[i].group(2)
            script, i = _atom(tokens, i + 1)
            piece = _attach(piece, script or "", mark)
        out.append(piece)
    return "".join(out), i


def _group(tokens, i: int) -> tuple[str, int]:
    """The argument at ``i``: a {…} group or one token."""
    if i < len(tokens) and tokens[i].group(2) == "{":
        return _sequence(tokens, i + 1, stop_at_brace=True)
    piece, i = _atom(tokens, i)
    return piece or "", i


def _atom(tokens, i: int) -> tuple[str | None, int]:
    if i >= len(tokens):
        return "", i
    m = tokens[i]
    command, brace, space, char = m.groups()
    if brace == "{":
        return _sequence(tokens, i + 1, stop_at_brace=True)
    if brace == "}":
        return None, i + 1
    if space is not None:
        return " ", i + 1
    if char is not None:
        return {"'": "′", "*": "∗"}.get(char, char), i + 1
    if command in ("left", "right", "big", "Big", "bigl", "bigr", "displaystyle"):
        return "", i + 1
    if command in STYLES:
        return _group(tokens, i + 1)
    if command in ACCENTS:
        inner, i = _group(tokens, i + 1)
        return inner + ACCENTS[command], i
    if command == "frac":
        top, i = _group(tokens, i + 1)
        bottom, i = _group(tokens, i)
        return f"{_wrap(top)}/{_wrap(bottom)}", i
    if command == "sqrt":
        inner, i = _group(tokens, i + 1)
        return f"√{_wrap(inner)}", i
    if command in ("phantom", "hphantom", "vphantom"):
        _, i = _group(tokens, i + 1)
        return "", i
    out = SYMBOLS.get(command, command)
    if command in BINARY:
        out = f" {out} "
    i += 1
    if command.isalpha() and not out.isalpha():  # TeX drops the space after \partial, \nabla …
        while i < len(tokens) and tokens[i].group(3) is not None:
            i += 1
    return out, i


def _wrap(text: str) -> str:
    return text if re.fullmatch(r"[\w.′̂]+", text) else f"({text})"


def _attach(base: str, script: str, mark: str) -> str:
    table = SUB if mark == "_" else SUP
    if script == "ᵀ" and mark == "^":
        return base + "ᵀ"
    if script and all(c in table or (c == "," and mark == "_") for c in script):
        return base + "".join(table.get(c, c) for c in script)
    if mark == "_" and base == "∇":  # ∇_{a_3} reads ∇a₃
        return base + script
    if mark == "^" and script in ("T", "⊤"):
        return base + "ᵀ"
    return f"{base}{mark}{script if len(script) == 1 else '(' + script + ')'}"
