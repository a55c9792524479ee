"""The step table: every kind of step of MATH.md declared once.

Each :class:`Rule` says what one kind of step writes, what it reads (the quantities of its
equation), its equation as parts (so the same declaration gives the typeset formula, the
line with the numbers, the Unicode text of `trace --explain`, the highlight on the canvas
and the check-yourself question), its plain-language meaning and its one-element form
(:mod:`core.stepthrough.elements`). The ŷ, loss and ∇a_L rules take their equation and
words from the loss plugin (``output_formula``, ``formula``, ``gradient_formula`` and the
optional words of docs/plugins.md); no built-in name appears here.

:data:`TABLE` is a list of :class:`Block` s in animation order; a block repeats its rules
for each layer k of its loop. To add a step (a feature map h_0 = φ(x), a penalty term in
∇W_k …), add or change a rule here: the player, highlights, explanations, canvas labels,
`trace --json` and the questions follow.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.engine.passes import Trace
from core.stepthrough import plugin_terms
from core.stepthrough.latex_text import to_unicode
from core.stepthrough.notation import read_name, split, sub, symbol
from core.stepthrough.numbers import sample


@dataclass(frozen=True)
class Q:
    """A quantity inside an equation: its symbol in the formula, its numbers in the numbers line.

    ``name`` is a template: ``{k}`` is the block's layer, ``{p}`` is k - 1. ``batch``: with
    several samples, the whole batch (samples as rows) instead of one sample's vector.
    """

    name: str
    transpose: bool = False
    batch: bool = False


@dataclass(frozen=True)
class Apply:
    """``g(a_k)`` in the formula, ``tanh(…)`` with the numbers: the layer's activation applied."""

    arg: Q


@dataclass(frozen=True)
class PenaltyGradient:
    r"""``∂R/∂W_k`` in the formula, as the regularizer plugin writes it (its ``gradient_formula``,
    W written W_k: ``\mathrm{sign}(W_2)``); its numbers are ∂R/∂W_k evaluated."""

    weights: str  # template of the W_k it is taken at, "W{k}"


Part = str | Q | Apply | PenaltyGradient  # a str is LaTeX written as it is


@dataclass(frozen=True)
class Equation:
    """``lhs op rhs``: what one equation of a step writes and how."""

    lhs: str  # template of the quantity written
    rhs: tuple[Part, ...]
    op: str = "="  # or r"\leftarrow" for an update
    batch_rhs: tuple[Part, ...] | None = None  # the form used with several samples (a sum over them)
    penalty: tuple[Part, ...] = ()  # appended to the right side when the trace has a regularizer


@dataclass(frozen=True)
class Rule:
    """One kind of step.

    Parameters
    ----------
    kind
        Stable key: ``a``, ``h``, ``yhat``, ``loss``, ``grad_aL``, ``grad_W``, ``grad_b``,
        ``grad_h``, ``grad_a``, ``update``.
    phase
        ``forward``, ``backward`` or ``update``.
    equations
        What the step computes; the first equation's left-hand side names the step.
        Empty for the rules whose equation comes from the loss plugin (``plugin_field``).
    meaning
        The plain-language line; ``{g}`` is the layer's activation, ``{words}`` the
        plugin's words (``plugin_words``), ``{k}`` and ``{p}`` the layers.
    written_layer
        ``"k"`` or ``"p"``: the layer of what the step writes.
    when
        Whether the rule applies to layer k of a network of depth L.
    plugin_field, plugin_words, default_formula, default_words, lhs
        For the loss plugin's steps: the Loss field holding the equation, the field holding
        the words, what to use when the plugin gives none, and the quantity written.
    needs
        ``"features"``: the rule applies only to a trace with input features (h_0 = φ(x)).
    penalty, penalty_meaning
        With a regularizer in the trace: LaTeX appended to a loss plugin step's formula, and
        a sentence appended to the meaning (``{r_name}``, ``{r_formula}``, ``{r_gradient}``,
        ``{rate}``, ``{penalty}`` from the regularizer plugin and the trace).
    """

    kind: str
    phase: str
    equations: tuple[Equation, ...] = ()
    meaning: str = ""
    written_layer: str = "k"
    when: Callable[[int, int], bool] = lambda k, L: True
    plugin_field: str = ""
    plugin_words: str = ""
    default_formula: str = ""
    default_words: str = ""
    lhs: str = ""
    needs: str = ""
    penalty: str = ""
    penalty_meaning: str = ""


@dataclass(frozen=True)
class Block:
    """Rules repeated for each layer of a loop, in order: ``layers(L)`` gives the k's."""

    phase: str
    layers: Callable[[int], range | list[int]]
    rules: tuple[Rule, ...]


FEATURES = Rule("features", "forward", (Equation("h0", (r"\phi(", Q("x"), ")")),),
                "The input units hold features of the raw input x, one each: {features}.", needs="features")
A = Rule("a", "forward", (Equation("a{k}", (Q("b{k}"), " + ", Q("W{k}"), " ", Q("h{p}"))),),
         "Each unit of layer {k} adds up the outputs of layer {p}, each times the weight of its "
         "connection, and adds its bias.")
H = Rule("h", "forward", (Equation("h{k}", (Apply(Q("a{k}")),)),),
         "The activation {g}{g_formula} is applied to each unit's pre-activation on its own.",
         when=lambda k, L: k < L)
YHAT = Rule("yhat", "forward", meaning="{words}", plugin_field="output_formula", plugin_words="output_explanation",
            default_formula=r"\hat{y} = O(a_L)", lhs="yhat",
            default_words="The output function of the loss turns the output scores a_L into the prediction ŷ.")
LOSS = Rule("loss", "forward", meaning="{words}", plugin_field="formula", plugin_words="explanation",
            default_formula=r"L = \ell(y, \hat{y})", lhs="loss",
            default_words="The loss measures how far the prediction ŷ is from the target y.",
            penalty=r" + \lambda \sum_k R(W_k)",
            penalty_meaning=" The regularizer {r_name} adds the penalty λ Σₖ R(Wₖ) = {penalty}, with {r_formula} "
                            "and λ = {rate}: large weights cost (the biases are not penalised).")
GRAD_AL = Rule("grad_aL", "backward", meaning="{words}", plugin_field="gradient_formula",
               plugin_words="gradient_explanation", lhs="grad_a{k}",
               default_formula=r"\nabla_{a_L} L = \partial L / \partial a_L",
               default_words="The error signal at the output: how much each output score should move.")
GRAD_W = Rule("grad_W", "backward", (Equation(
    "grad_W{k}", (Q("grad_a{k}"), r"\, ", Q("h{p}", transpose=True)),
    batch_rhs=(Q("grad_a{k}", transpose=True, batch=True), r"\,", Q("h{p}", batch=True)),
    penalty=(" + ", Q("lambda"), r"\, ", PenaltyGradient("W{k}"))),),
    "Each weight's blame is the error of the unit it feeds times the input that flows through it.",
    penalty_meaning=" The regularizer {r_name} adds λ ∂R/∂Wₖ, with {r_gradient} and λ = {rate}, pulling "
                    "every weight towards 0.")
GRAD_B = Rule("grad_b", "backward", (Equation(
    "grad_b{k}", (Q("grad_a{k}"),),
    batch_rhs=(r"\sum_{s}", Q("grad_a{k}", batch=True))),),
    "A bias adds 1 × itself to its unit, so it gets exactly that unit's error signal.")
GRAD_H = Rule("grad_h", "backward", (Equation("grad_h{p}", (Q("W{k}", transpose=True), " ", Q("grad_a{k}"))),),
              "Each unit collects the blame of the units it feeds, weighted by the weights of those "
              "connections.", written_layer="p")
GRAD_A = Rule("grad_a", "backward", (Equation("grad_a{p}", (Q("grad_h{p}"), r" \odot ", Q("gprime{p}"))),),
              "The blame passes back through {g}: each unit's blame is scaled by the slope g' at its "
              "pre-activation{g_slope} (a flat slope lets little through).", written_layer="p",
              when=lambda k, L: k > 1)
UPDATE = Rule("update", "update", (
    Equation("W{k}", (Q("W{k}"), r" - ", Q("eta"), r"\, ", Q("grad_W{k}")), op=r"\leftarrow"),
    Equation("b{k}", (Q("b{k}"), r" - ", Q("eta"), r"\, ", Q("grad_b{k}")), op=r"\leftarrow")),
    "Every weight and bias takes a small step against its gradient, downhill on the loss.")

TABLE: list[Block] = [
    Block("forward", lambda L: [0], (FEATURES,)),
    Block("forward", lambda L: range(1, L + 1), (A, H)),
    Block("forward", lambda L: [L], (YHAT, LOSS)),
    Block("backward", lambda L: [L], (GRAD_AL,)),
    Block("backward", lambda L: range(L, 0, -1), (GRAD_W, GRAD_B, GRAD_H, GRAD_A)),
]
UPDATE_TABLE: list[Block] = [Block("update", lambda L: range(1, L + 1), (UPDATE,))]
PER_SAMPLE = ("a", "h", "gprime")  # a_k, h_k, ∇a_k, ∇h_k, g'(a_k): one vector per sample


@dataclass(frozen=True)
class Step:
    """One step of the animation: a rule applied to layer ``k`` of one trace."""

    phase: str  # "forward", "backward" or "update"
    layer: int  # layer of the quantity written (0 for ∇h_0)
    quantity: str  # the step's name: what it writes first (a1, grad_h2, W1 …)
    formula: str  # the equation in mathtext LaTeX
    reads: tuple[str, ...]  # names of what the step reads
    values: np.ndarray | float  # what it writes (the first of ``writes``)
    writes: tuple[str, ...] = ()
    kind: str = ""  # the rule's key
    k: int = 0  # the layer of the rule's loop
    block: int = 0  # index of the block in the table (for one-layer-at-a-time stepping)
    outputs: tuple = field(default=(), compare=False)  # (name, value) of each equation written

    def to_json(self, *, with_values: bool = False) -> dict:
        data = {"phase": self.phase, "layer": self.layer, "quantity": self.quantity,
                "formula": self.formula, "reads": list(self.reads), "writes": list(self.writes)}
        if with_values:
            data["values"] = to_jsonable(self.values)
        return data


def to_jsonable(value):
    """A single sample's vector as a flat list; a batch as a list of rows; a number as a float."""
    if isinstance(value, np.ndarray):
        if value.ndim == 2 and value.shape[0] == 1:
            value = value[0]
        return value.tolist()
    return float(value)


def fill(template: str, k: int) -> str:
    return template.format(k=k, p=k - 1)


class Context:
    """What the rules read from one trace: values by name, the plugins' formulas and words."""

    def __init__(self, trace: Trace, lr: float = 0.1) -> None:
        self.trace, self.lr = trace, lr
        self.loss = trace.loss_spec

    def value(self, name: str):
        """The value of a quantity by name (the full batch for per-sample quantities)."""
        if name == "eta":
            return self.lr
        parts = split(name)
        if parts is not None and parts[1] == "gprime":
            return self.trace.g_prime[parts[2]]
        return self.trace.quantity(name)

    def shown(self, name: str, index: int = 0, batch: bool = False):
        """What the numbers line shows of ``name``: one sample's vector, or the whole batch."""
        value = self.value(name)
        parts = split(name)
        per_sample = name in ("x", "y", "yhat") or (parts is not None and parts[1] in PER_SAMPLE)
        return value if (batch or not per_sample) else sample(value, index)

    def activation(self, k: int) -> str:
        return self.trace.network.activations[k - 1]

    def has(self, need: str) -> bool:
        """Whether the trace has what a rule ``needs`` ("" always; "features": input features)."""
        return not need or (need == "features" and bool(getattr(self.trace, "feature_specs", None)))

    @property
    def regularized(self) -> bool:
        """Whether the loss and ∇W_k include a regularizer's penalty (a regularizer, λ ≠ 0)."""
        return getattr(self.trace, "regularizer", None) is not None and bool(self.trace.rate)

    # the plugins' own formulas and words (core.stepthrough.plugin_terms)
    def features_latex(self) -> str:
        return plugin_terms.features_latex(self.trace)

    def features_text(self) -> str:
        return plugin_terms.features_text(self.trace)

    def penalty_gradient_symbol(self, k: int) -> str:
        return plugin_terms.penalty_gradient_symbol(self.trace, k)

    def penalty_words(self, rule: Rule) -> str:
        """The rule's sentence on the penalty ("" without a regularizer)."""
        return plugin_terms.penalty_words(self.trace, rule.penalty_meaning) if self.regularized else ""

    def words(self, rule: Rule) -> str:
        return self.plugin_text(rule.plugin_words) or rule.default_words

    def plugin_formula(self, rule: Rule, L: int) -> str:
        """The loss plugin's own formula for this step, a_L written with the real L."""
        return output_layer(self.plugin_text(rule.plugin_field) or rule.default_formula, L)

    def activation_text(self, k: int, name: str) -> str:
        """Layer k's activation plugin field ``name`` (formula, derivative_formula) as Unicode, or ""."""
        specs = getattr(self.trace, "activation_specs", [])
        text = getattr(specs[k - 1], name, "") if 0 < k <= len(specs) else ""
        return to_unicode(text) if isinstance(text, str) and text else ""

    def plugin_text(self, name: str) -> str:
        """A text field of the loss plugin; anything but a string (a plugin's slip) counts as none."""
        text = getattr(self.loss, name, "") if self.loss is not None else ""
        return text if isinstance(text, str) else ""


def output_layer(latex: str, L: int) -> str:
    """``a_L`` (and ``a_{L}``) in a plugin's formula becomes a_3 for a network of depth 3."""
    latex = re.sub(r"a_\{L,", f"a_{{{L},", latex)  # a_{L,i}: one element of a_L
    return re.sub(r"a_(?:\{L\}|L)(?![A-Za-z])", f"a{sub(L)}", latex)


def part_symbol(part: Part, k: int, ctx: Context | None = None) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, PenaltyGradient):
        return ctx.penalty_gradient_symbol(k) if ctx is not None else rf"\partial R / \partial W{sub(k)}"
    if isinstance(part, Apply):
        return f"g({symbol(fill(part.arg.name, k))})"
    text = symbol(fill(part.name, k))
    if part.batch:  # the samples stacked as rows: A_k, H_k
        text = re.sub(r"\b([ah])_", lambda m: m.group(1).upper() + "_", text)
    if part.transpose:
        text = (f"({text})" if text.startswith(r"\nabla") else text) + r"^{\mathrm{T}}"
    return text


def names_in(parts) -> list[str]:
    found = []
    for part in parts:
        q = part.arg if isinstance(part, Apply) else part
        if isinstance(q, Q):
            found.append(q.name)
        elif isinstance(q, PenaltyGradient):
            found.append(q.weights)
    return found


def right_side(eq: Equation, ctx: Context, batch: bool = False) -> tuple[Part, ...]:
    """The parts of ``eq``'s right side for this trace: the batch form, the penalty term."""
    rhs = eq.batch_rhs if (batch and eq.batch_rhs is not None) else eq.rhs
    return rhs + eq.penalty if ctx.regularized else rhs


def build(trace: Trace, *, lr: float = 0.1, include_update: bool = False) -> list[Step]:
    """The steps of ``trace`` in animation order (the update of plain gradient descent last)."""
    ctx = Context(trace, lr)
    L = trace.depth
    steps = []
    blocks = TABLE + (UPDATE_TABLE if include_update else [])
    for b, block in enumerate(blocks):
        for k in block.layers(L):
            for rule in block.rules:
                if rule.when(k, L) and ctx.has(rule.needs):
                    steps.append(_step(rule, k, b, ctx))
    return steps


def _step(rule: Rule, k: int, b: int, ctx: Context) -> Step:
    L = ctx.trace.depth
    layer = k - 1 if rule.written_layer == "p" else k
    if rule.plugin_field:
        from core.stepthrough.plugin_equations import plugin_reads

        formula = ctx.plugin_formula(rule, L)
        name = fill(rule.lhs, k)
        writes: tuple[str, ...] = (name,)
        reads = plugin_reads(rule.kind, formula, L)
        if ctx.regularized and rule.penalty:  # λ Σ_k R(W_k) reads every W_k
            formula += rule.penalty
            reads += tuple(f"W{j}" for j in range(1, L + 1))
        outputs: tuple[tuple[str, Any], ...] = ((name, ctx.value(name)),)
    else:
        formula = r",\ ".join(
            f"{symbol(fill(eq.lhs, k))} {eq.op} " + "".join(part_symbol(p, k, ctx) for p in right_side(eq, ctx))
            for eq in rule.equations)
        if rule.needs == "features":  # h_0 = φ(x) = [x_1, x_1^2, …]: the feature plugins' formulas
            formula += " = " + ctx.features_latex()
        writes = tuple(fill(eq.lhs, k) for eq in rule.equations)
        reads = tuple(dict.fromkeys(read_name(fill(n, k)) for eq in rule.equations
                                    for n in names_in(right_side(eq, ctx)) if n not in ("eta", "lambda")))
        outputs = tuple((fill(eq.lhs, k), _result(rule, eq, k, ctx)) for eq in rule.equations)
    return Step(rule.phase, layer, writes[0], formula, reads, outputs[0][1], writes, rule.kind, k, b, outputs)


def _result(rule: Rule, eq: Equation, k: int, ctx: Context):
    """What the equation writes: the engine's array, or for an update the new parameter."""
    name = fill(eq.lhs, k)
    if rule.phase == "update":
        gradient = ctx.value(f"grad_{name}")
        return ctx.value(name) - ctx.lr * gradient  # W_k ← W_k - η ∇W_k (and b_k likewise)
    return ctx.value(name)


def rule_of(step: Step) -> Rule:
    for block in TABLE + UPDATE_TABLE:
        for rule in block.rules:
            if rule.kind == step.kind:
                return rule
    raise KeyError(step.kind)


def all_steps(trace: Trace) -> list[Step]:
    """Forward then backward, in the order of MATH.md and of `trace --json`."""
    return build(trace)


def forward_steps(trace: Trace) -> list[Step]:
    return [s for s in build(trace) if s.phase == "forward"]


def backward_steps(trace: Trace) -> list[Step]:
    return [s for s in build(trace) if s.phase == "backward"]


def update_steps(trace: Trace, lr: float) -> list[Step]:
    """Plain gradient descent for each layer: W_k ← W_k - η ∇W_k, b_k ← b_k - η ∇b_k.

    ``values`` is the new W_k; ``outputs`` holds the new W_k and the new b_k.
    """
    return [s for s in build(trace, lr=lr, include_update=True) if s.phase == "update"]
