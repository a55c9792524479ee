"""Each step in words and numbers, derived from its rule in the step table.

An :class:`Explanation` holds the equation (LaTeX), the same equation with the values in
place of the symbols (as :class:`Term` s, which the app typesets with real column vectors
and matrices, and as Unicode text for `trace --explain` and `trace --json`), the result
and the plain-language meaning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.engine.passes import Trace
from core.stepthrough.latex_text import to_unicode
from core.stepthrough.notation import symbol
from core.stepthrough.numbers import array_text, number, sample
from core.stepthrough.plugin_equations import plugin_reads, split_equation, substitution
from core.stepthrough.steps import Apply, Context, PenaltyGradient, Q, Step, fill, part_symbol, right_side, rule_of


@dataclass(frozen=True)
class Term:
    """A piece of a line with numbers: LaTeX text, or the value of a quantity."""

    latex: str = ""
    name: str = ""
    value: Any = None
    transpose: bool = False

    @property
    def is_value(self) -> bool:
        return self.value is not None


@dataclass
class Explanation:
    symbolic: str  # the equation, mathtext LaTeX (Step.formula)
    lines: list[list[Term]]  # one line per equation: lhs = numbers = result
    substituted: str  # formula = numbers = result, Unicode text (trace --explain, trace --json)
    result: str  # the value written, text
    meaning: str  # one plain-language line
    operands: list[tuple[str, Any]] = field(default_factory=list)  # what is read, as shown


def terms_text(terms: list[Term]) -> str:
    """Unicode text of a line of terms: values as [a, b]; a transposed one as [[…]]ᵀ."""
    latex, values = "", {}
    for n, term in enumerate(terms):
        if term.is_value:
            slot = "zslot" + "abcdefghijklmnopqrstuvwxy"[n % 25] * (1 + n // 25)
            values[slot] = array_text(term.value) + ("ᵀ" if term.transpose else "")
            latex += f" \\{slot} "
        else:
            latex += term.latex
    text = to_unicode(latex)
    for slot, shown in sorted(values.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(slot, shown)
    return text.replace("( ", "(").replace(" )", ")").replace(" ,", ",")


def _mathrm(name: str) -> str:
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def explain(step: Step, trace: Trace, *, lr: float = 0.1, index: int = 0) -> Explanation:
    """Explain ``step`` for sample ``index`` of ``trace`` (sums over the batch use every sample)."""
    ctx = Context(trace, lr)
    rule = rule_of(step)
    batch = trace.batch_size > 1
    lines, texts, operands = [], [], []
    if rule.plugin_field:
        lines, texts, operands, result = _plugin_lines(step, ctx, index)
    else:
        for eq, (name, value) in zip(rule.equations, step.outputs):
            rhs = right_side(eq, ctx, batch)
            column_rhs = right_side(eq, ctx)
            terms = [Term(symbol(name) + f" {eq.op} ")]
            for part in rhs:
                terms += _part_terms(part, step.k, ctx, index, operands)
            shown = value if rule.phase == "update" else ctx.shown(name, index)
            terms += [Term(" = "), Term(name=name, value=shown)]
            lines.append(terms)
            column = "".join(part_symbol(p, step.k, ctx) for p in column_rhs)
            text = to_unicode(f"{symbol(name)} {eq.op} {column}")
            if rhs != column_rhs:  # the batch form: the samples stacked as rows
                text += " = " + to_unicode("".join(part_symbol(p, step.k, ctx) for p in rhs))
            texts.append(text + " = " + terms_text(terms[1:]))
        result = array_text(lines[0][-1].value)
    hidden = 0 < step.layer < trace.depth
    g_formula = ctx.activation_text(step.layer, "formula") if hidden else ""
    g_slope = ctx.activation_text(step.layer, "derivative_formula") if hidden else ""
    meaning = rule.meaning.format(k=step.k, p=step.k - 1, words=ctx.words(rule),
                                  g=ctx.activation(step.layer) if hidden else "",
                                  g_formula=f", {g_formula}," if g_formula else "",
                                  g_slope=f", {g_slope}" if g_slope else "",
                                  features=ctx.features_text() if ctx.has("features") else "")
    meaning += ctx.penalty_words(rule)
    return Explanation(step.formula, lines, "; ".join(texts), result, meaning, operands)


def _part_terms(part, k: int, ctx: Context, index: int, operands: list) -> list[Term]:
    if isinstance(part, str):
        return [Term(part)]
    if isinstance(part, PenaltyGradient):  # ∂R/∂W_k evaluated
        name = "dR" + fill(part.weights, k)[1:]
        value = ctx.value(name)
        operands.append((name, value))
        return [Term(name=name, value=value)]
    if isinstance(part, Apply):
        name = fill(part.arg.name, k)
        value = ctx.shown(name, index)
        operands.append((name, value))
        return [Term(_mathrm(ctx.activation(int(name[1:]))) + "("), Term(name=name, value=value), Term(")")]
    assert isinstance(part, Q)
    name = fill(part.name, k)
    value = ctx.shown(name, index, batch=part.batch)
    operands.append((name, value))
    return [Term(name=name, value=value, transpose=part.transpose)]


def _plugin_lines(step: Step, ctx: Context, index: int):
    """The numbers of a loss plugin's step: its formula with the values in place, or listed."""
    trace, L = ctx.trace, ctx.trace.depth
    B = trace.batch_size
    rule = rule_of(step)
    formula = ctx.plugin_formula(rule, L)  # the plugin's own (a penalty term is added below)
    penalty = ctx.regularized and bool(rule.penalty)
    lhs, rhs, _ = split_equation(formula)
    lhs = lhs or symbol(step.quantity)
    if step.quantity == "loss":
        value: Any = float(trace.losses[index]) + (trace.penalty if penalty else 0.0)
    else:
        value = ctx.shown(step.quantity, index)
    operands = [(name, ctx.shown(name, index)) for name in plugin_reads(rule.kind, formula, L)]
    pieces = substitution(formula, L)
    terms = [Term(lhs + " = ")]
    scale = step.quantity == f"grad_a{L}" and B > 1  # the batch mean's 1/B
    if scale:
        terms.append(Term(rf"\frac{{1}}{{{B}}}\left("))
    if pieces is not None:
        for piece in pieces:
            terms.append(Term(piece) if isinstance(piece, str) else
                         Term(name=piece[0], value=ctx.shown(piece[0], index)))
    else:
        terms.append(Term(rhs))
    if scale:
        terms.append(Term(r"\right)"))
    if penalty:  # + λ Σ_k R(W_k), its value
        terms += [Term(" + "), Term(name="penalty", value=trace.penalty)]
    terms += [Term(" = "), Term(name=step.quantity, value=value)]
    lines = [terms]
    if pieces is None:  # the values the formula reads, listed
        where = [Term(r"\mathrm{with}\ ")]
        listed = operands + ([("penalty", trace.penalty)] if penalty else [])
        for n, (name, shown) in enumerate(listed):
            where += [Term((r",\ " if n else "") + symbol(name) + " = "), Term(name=name, value=shown)]
        lines.append(where)
    text = to_unicode(step.formula) + " = " + terms_text(terms[1:] if pieces is not None else terms[-1:])
    if pieces is None:
        text += "   (" + terms_text(lines[1][1:]) + ")"
    if step.quantity == "loss" and B > 1:
        plus = ", plus the penalty" if penalty else ""
        text += f"   (sample {index + 1}; the mean over the batch of {B}{plus}: {number(trace.loss)})"
    result = number(trace.loss) if step.quantity == "loss" else array_text(value)
    return lines, [text], operands, result


def sample_values(step: Step, index: int = 0):
    """What a step wrote for sample ``index`` (a vector), or the whole value (W, ∇W, L)."""
    value = step.values
    per_sample = isinstance(value, np.ndarray) and value.ndim == 2 and step.kind not in ("grad_W", "update")
    return sample(value, index) if per_sample else value
