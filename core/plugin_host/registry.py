"""What the loaded plugins contribute: activations, losses, optimizers, datasets, input features
and regularizers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class RegistryError(ValueError):
    """A contribution that cannot be used (unknown name, duplicate, flagged, bad form)."""


@dataclass
class Activation:
    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    formula: str = ""
    derivative_formula: str = ""
    description: str = ""
    # optional addition to the contract of DESIGN.md (docs/plugins.md): g'(a) computed from
    # h = g(a) (1 - h² for tanh), so the backward pass need not evaluate g again
    derivative_from_output: Callable[[np.ndarray], np.ndarray] | None = None
    # optional addition to the contract of DESIGN.md (docs/plugins.md): NumPy source defining
    # g(a) and g_prime(a), written into the standalone script of `export --script`
    numpy_source: str = ""
    plugin: str = ""
    # filled by validation: None when the checks passed, else why it is flagged
    problem: str | None = None
    max_derivative_error: float | None = None
    # filled at load: (a, g(a), g'(a)) over [-4, 4], what the GUI draws (it never calls g itself)
    curve: tuple | None = None


@dataclass
class Loss:
    name: str
    output: Callable[[np.ndarray], np.ndarray]
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    formula: str = ""
    output_formula: str = ""
    gradient_formula: str = ""
    description: str = ""
    # optional additions to the contract of DESIGN.md (docs/plugins.md):
    value_from_logits: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None  # exact value(y, a_L)
    validate_target: Callable[[np.ndarray], str | None] | None = None  # why a target is unusable
    # optional words and element formulas for the step-through (docs/plugins.md)
    output_name: str = ""  # the output function's name, e.g. "softmax"
    output_explanation: str = ""  # one line saying what ŷ = O(a_L) does
    explanation: str = ""  # one line saying what the loss measures
    gradient_explanation: str = ""  # one line saying what ∇a_L L means
    output_element_formula: str = ""  # ŷ_i in LaTeX, with the index i
    gradient_element_formula: str = ""  # ∂L/∂a_{L,i} in LaTeX; its last side in y_i and \hat{y}_i
    gradient_element_note: str = ""  # one line on how the element formula is derived
    # NumPy source defining output, value, gradient (and value_from_logits): `export --script`
    numpy_source: str = ""
    plugin: str = ""
    problem: str | None = None

    def target_problem(self, y: np.ndarray) -> str | None:
        """Why ``y`` cannot be a target of this loss, or None."""
        return self.validate_target(y) if self.validate_target is not None else None


@dataclass
class Optimizer:
    name: str
    factory: Callable[..., Any]
    defaults: dict[str, float] = field(default_factory=dict)
    description: str = ""
    plugin: str = ""
    problem: str | None = None

    def create(self, **overrides: float) -> Any:
        """Build an optimizer from the defaults updated by ``overrides``."""
        unknown = set(overrides) - set(self.defaults)
        if unknown:
            raise RegistryError(
                f"optimizer {self.name!r} has no hyperparameter {', '.join(sorted(unknown))} "
                f"(it has: {', '.join(self.defaults) or 'none'})"
            )
        return self.factory(**{**self.defaults, **overrides})


@dataclass
class DatasetSpec:
    name: str
    generate: Callable[..., tuple[np.ndarray, np.ndarray]]
    defaults: dict[str, Any] = field(default_factory=dict)
    task: str = "classification"
    n_inputs: int | None = None
    n_classes: int | None = None
    description: str = ""
    plugin: str = ""
    problem: str | None = None


@dataclass
class Feature:
    """An input feature φ_j: h_0 = φ(x) holds one per input unit (x_1, x_1², sin x_1 …).

    ``fn(X)`` maps the raw inputs X (B × ``inputs``) to the feature's column (B,).
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    inputs: int = 2  # the number of raw inputs x it reads (columns of X)
    label: str = ""  # short, for the canvas: "x₁²"
    formula: str = ""  # mathtext, e.g. r"x_1^2"
    description: str = ""
    numpy_source: str = ""  # defines phi(X), for `export --script` (docs/plugins.md)
    plugin: str = ""
    problem: str | None = None


@dataclass
class Regularizer:
    """A penalty on the weights added to the loss: L + λ Σ_k R(W_k), so ∇W_k gains λ ∂R/∂W_k.

    ``penalty(W)`` is R(W) for one W_k (a number); ``gradient(W)`` is ∂R/∂W, shaped like W.
    Biases are not penalised.
    """

    name: str
    penalty: Callable[[np.ndarray], float]
    gradient: Callable[[np.ndarray], np.ndarray]
    formula: str = ""  # mathtext of R(W), e.g. r"R(W) = \frac{1}{2} \sum_{ij} w_{ij}^2"
    gradient_formula: str = ""  # mathtext of ∂R/∂W, e.g. r"\partial R / \partial W = W"
    description: str = ""
    numpy_source: str = ""  # defines penalty(W) and gradient(W), for `export --script` (docs/plugins.md)
    plugin: str = ""
    problem: str | None = None


KINDS = {
    "activations": Activation,
    "losses": Loss,
    "optimizers": Optimizer,
    "datasets": DatasetSpec,
    "features": Feature,
    "regularizers": Regularizer,
}
SINGULAR = {"activations": "activation", "losses": "loss", "optimizers": "optimizer", "datasets": "dataset",
            "features": "feature", "regularizers": "regularizer"}


class Registry:
    """Name -> contribution tables, one per kind, with the plugin each came from."""

    def __init__(self) -> None:
        self.activations: dict[str, Activation] = {}
        self.losses: dict[str, Loss] = {}
        self.optimizers: dict[str, Optimizer] = {}
        self.datasets: dict[str, DatasetSpec] = {}
        self.features: dict[str, Feature] = {}
        self.regularizers: dict[str, Regularizer] = {}

    def table(self, kind: str) -> dict[str, Any]:
        return getattr(self, kind)

    def add(self, kind: str, item: Any) -> None:
        """Add one contribution; a name already taken is an error naming both plugins."""
        table = self.table(kind)
        if item.name in table:
            raise RegistryError(
                f"{SINGULAR[kind]} {item.name!r} from plugin {item.plugin!r} is already "
                f"registered by plugin {table[item.name].plugin!r}; the second one is ignored"
            )
        table[item.name] = item

    def _get(self, kind: str, name: str) -> Any:
        table = self.table(kind)
        if name not in table:
            known = ", ".join(sorted(n for n, v in table.items() if v.problem is None))
            raise RegistryError(f"unknown {SINGULAR[kind]} {name!r} (available: {known or 'none'})")
        item = table[name]
        if item.problem is not None:
            raise RegistryError(
                f"{SINGULAR[kind]} {name!r} from plugin {item.plugin!r} is flagged: {item.problem}"
            )
        return item

    def activation(self, name: str) -> Activation:
        return self._get("activations", name)

    def loss(self, name: str) -> Loss:
        return self._get("losses", name)

    def optimizer(self, name: str) -> Optimizer:
        return self._get("optimizers", name)

    def dataset(self, name: str) -> DatasetSpec:
        return self._get("datasets", name)

    def feature(self, name: str) -> Feature:
        return self._get("features", name)

    def regularizer(self, name: str) -> Regularizer:
        return self._get("regularizers", name)

    def usable(self, kind: str) -> list[str]:
        """Names of the contributions of ``kind`` that passed their checks."""
        return [n for n, v in self.table(kind).items() if v.problem is None]
