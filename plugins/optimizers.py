"""Built-in optimizers: SGD, momentum, Nesterov, Adagrad, RMSprop and Adam.

Each optimizer class is its own factory: ``Adam(lr=0.01)`` accepts exactly the
keywords of its ``defaults`` (an unknown one is a TypeError that names it). Its
``step(params, grads)`` updates the parameter arrays in place, where ``params`` and
``grads`` are lists in the same order (W1, b1, W2, b2, ...). Per-parameter state
(velocities, running averages) is created on the first step with each parameter's
shape and dtype, keyed by list position; ``reset()`` forgets it. The formulas are
those of PyTorch's ``torch.optim`` with its default options (no weight decay,
dampening, centring or AMSGrad).

This module needs only NumPy and pluggy, like any third-party plugin.
"""

from __future__ import annotations

import abc
import math

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")


def _positive(value):
    return value > 0.0


def _fraction(value):
    return 0.0 <= value < 1.0


# hyperparameter name -> (check, wording of the valid range)
_RULES = {
    "lr": (_positive, "> 0"),
    "eps": (_positive, "> 0"),
    "momentum": (_fraction, "in [0, 1)"),
    "alpha": (_fraction, "in [0, 1)"),
    "beta1": (_fraction, "in [0, 1)"),
    "beta2": (_fraction, "in [0, 1)"),
}


class Optimizer(abc.ABC):
    """Base class: hyperparameter checking and lazily created per-parameter state.

    Parameters
    ----------
    **hyperparameters : float
        Any subset of the keys of the class attribute ``defaults``; the others
        take their default values. Each becomes an attribute (e.g. ``opt.lr``),
        which may be changed between steps.

    Raises
    ------
    TypeError
        If a keyword is not a hyperparameter of this optimizer.
    ValueError
        If a value is not finite or out of its valid range.
    """

    defaults: dict[str, float] = {}
    #: number of state arrays kept per parameter
    n_buffers = 0
    #: every element is updated by the same rule from its own gradient (and state), so the
    #: app may hand ``step`` one flat array of all parameters instead of one per layer
    elementwise = True

    def __init__(self, **hyperparameters):
        unknown = sorted(set(hyperparameters) - set(self.defaults))
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unknown hyperparameter(s) "
                f"{', '.join(map(repr, unknown))}; expected some of "
                f"{', '.join(map(repr, self.defaults))}"
            )
        for name, default in self.defaults.items():
            value = float(hyperparameters.get(name, default))
            check, valid = _RULES.get(name, (None, ""))
            if not math.isfinite(value) or (check is not None and not check(value)):
                raise ValueError(
                    f"{type(self).__name__}: hyperparameter {name!r} must be a finite "
                    f"number {valid}, got {value!r}"
                )
            setattr(self, name, value)
        self._state = []

    @property
    def hyperparameters(self):
        """dict: the current value of every hyperparameter."""
        return {name: getattr(self, name) for name in self.defaults}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"

    def reset(self):
        """Forget all per-parameter state (as if no step had been taken)."""
        self._state = []


    def _slots(self, params):
        """Per-parameter state ``[buffer, ..., step_count]``, created on first use.

        A slot is (re)created, zero-filled, whenever the parameter at its position
        changes shape or dtype (for example after the network was edited).
        """
        state = self._state
        if len(state) != len(params):
            state = self._state = [None] * len(params)
        for i, p in enumerate(params):
            slot = state[i]
            if slot is None or (self.n_buffers and (
                    slot[0].shape != p.shape or slot[0].dtype != p.dtype)):
                state[i] = [np.zeros_like(p) for _ in range(self.n_buffers)] + [0]
        return state

    @abc.abstractmethod
    def step(self, params, grads):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        params : list of numpy.ndarray
            Parameters (W1, b1, W2, b2, ...), modified in place.
        grads : list of numpy.ndarray
            Gradients, same order and shapes as `params`.
        """


class SGD(Optimizer):
    """Plain (stochastic) gradient descent: θ ← θ - η g."""

    defaults = {"lr": 0.1}

    _rate = (None, None, None)  # (lr, dtype, lr as a 0-d array of that dtype)

    def step(self, params, grads):  # noqa: D102 (documented on the base class)
        # (written for a small network's step, where each of these lines costs a few percent:
        # no zip(strict=True), and η as a 0-d array, which NumPy multiplies by faster than a float)
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradients")
        lr, rate = self.lr, self._rate
        for i, p in enumerate(params):
            if rate[0] is not lr or rate[1] is not p.dtype:
                rate = self._rate = (lr, p.dtype, np.array(lr, dtype=p.dtype))
            # θ ← θ - η g
            p -= rate[2] * grads[i]


class Momentum(Optimizer):
    """Gradient descent with (heavy-ball) momentum: v ← μ v - η g; θ ← θ + v."""

    defaults = {"lr": 0.1, "momentum": 0.9}
    n_buffers = 1

    def step(self, params, grads):  # noqa: D102
        lr, mu = self.lr, self.momentum
        for p, g, (v, _) in zip(params, grads, self._slots(params), strict=True):
            # v ← μ v - η g
            v *= mu
            v -= lr * g
            # θ ← θ + v
            p += v


class Nesterov(Optimizer):
    """Nesterov momentum, PyTorch form: v ← μ v + g; θ ← θ - η (g + μ v)."""

    defaults = {"lr": 0.1, "momentum": 0.9}
    n_buffers = 1

    def step(self, params, grads):  # noqa: D102
        lr, mu = self.lr, self.momentum
        for p, g, (v, _) in zip(params, grads, self._slots(params), strict=True):
            # v ← μ v + g
            v *= mu
            v += g
            # θ ← θ - η (g + μ v)
            d = mu * v
            d += g
            d *= lr
            p -= d


class Adagrad(Optimizer):
    """Adagrad, PyTorch form: s ← s + g²; θ ← θ - η g / (√s + ε)."""

    defaults = {"lr": 0.1, "eps": 1e-8}
    n_buffers = 1

    def step(self, params, grads):  # noqa: D102
        lr, eps = self.lr, self.eps
        for p, g, (s, _) in zip(params, grads, self._slots(params), strict=True):
            # s ← s + g²
            s += g * g
            d = np.sqrt(s)
            d += eps
            # θ ← θ - η g / (√s + ε)
            np.divide(g, d, out=d)
            d *= lr
            p -= d


class RMSprop(Optimizer):
    """RMSprop, PyTorch form: s ← α s + (1 - α) g²; θ ← θ - η g / (√s + ε)."""

    defaults = {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}
    n_buffers = 1

    def step(self, params, grads):  # noqa: D102
        lr, alpha, eps = self.lr, self.alpha, self.eps
        for p, g, (s, _) in zip(params, grads, self._slots(params), strict=True):
            # s ← α s + (1 - α) g²
            s *= alpha
            s += (1.0 - alpha) * (g * g)
            d = np.sqrt(s)
            d += eps
            # θ ← θ - η g / (√s + ε)
            np.divide(g, d, out=d)
            d *= lr
            p -= d


class Adam(Optimizer):
    """Adam with bias correction, PyTorch form.

    m ← β1 m + (1 - β1) g;  v ← β2 v + (1 - β2) g²;
    θ ← θ - η m̂ / (√v̂ + ε) with m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t).
    """

    defaults = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    n_buffers = 2

    def step(self, params, grads):  # noqa: D102
        lr, b1, b2, eps = self.lr, self.beta1, self.beta2, self.eps
        for p, g, slot in zip(params, grads, self._slots(params), strict=True):
            m, v, t = slot
            t = slot[2] = t + 1
            # m ← β1 m + (1 - β1) g
            m *= b1
            m += (1.0 - b1) * g
            # v ← β2 v + (1 - β2) g²
            v *= b2
            v += (1.0 - b2) * (g * g)
            # √v̂ + ε = √v / √(1 - β2^t) + ε
            d = np.sqrt(v)
            d /= math.sqrt(1.0 - b2**t)
            d += eps
            # θ ← θ - η/(1 - β1^t) · m / (√v̂ + ε)
            np.divide(m, d, out=d)
            d *= lr / (1.0 - b1**t)
            p -= d


_BUILTINS = (
    ("sgd", SGD, "Plain gradient descent: step against the gradient, scaled by the "
                 "learning rate."),
    ("momentum", Momentum, "Momentum: a velocity accumulates past gradients, smoothing "
                           "the path and speeding up along consistent directions."),
    ("nesterov", Nesterov, "Nesterov momentum (PyTorch formulation): momentum with a "
                           "look-ahead correction."),
    ("adagrad", Adagrad, "Adagrad: per-weight learning rates that shrink with the sum "
                         "of past squared gradients."),
    ("rmsprop", RMSprop, "RMSprop: per-weight learning rates from a running average "
                         "of squared gradients."),
    ("adam", Adam, "Adam: momentum plus RMSprop-style scaling, with bias correction "
                   "of both running averages."),
)


@hookimpl
def register_optimizers(register):
    """Register the built-in optimizers.

    Parameters
    ----------
    register : callable
        Called once per optimizer as ``register(name, factory, defaults, *,
        description)``; the factory is the optimizer class.
    """
    for name, cls, description in _BUILTINS:
        register(name=name, factory=cls, defaults=dict(cls.defaults),
                 description=description)
