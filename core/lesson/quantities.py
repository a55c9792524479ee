"""Which quantities and steps a network has, for checking a lesson against its network.

A lesson names quantities by their trace names (``a1``, ``h0``, ``yhat``, ``loss``,
``grad_W3``, ``grad_h2``, ``W1``, ``b2`` …) and steps of the step-through by the quantity
they write. Both are checked when a lesson is opened, before any plugin runs, so the
names and shapes come from a *skeleton* trace: the engine's own Trace and step list over
zero arrays of the network's shapes (no second list of names to keep in step).
"""
from __future__ import annotations

import re

import numpy as np

from core.engine.network import Network
from core.engine.passes import Trace
from core.plugin_host.registry import Feature
from core.stepthrough.notation import Element, split
from core.stepthrough.steps import all_steps, update_steps

START, END = "start", "end"  # before the first step; after the last
_NAME = re.compile(r"^(?:yhat|loss|y|(?:grad_)?[ahWb]\d{1,3})$")


def skeleton_trace(network: Network) -> Trace:
    """A Trace of one sample with every quantity zero (read-only views: no memory for W-sized arrays)."""
    sizes, L = network.sizes, network.depth

    def zeros(*shape: int) -> np.ndarray:
        return np.broadcast_to(0.0, shape)

    trace = Trace(network, zeros(1, network.input_width), zeros(1, sizes[-1]),
                  a=[None] + [zeros(1, n) for n in sizes[1:]], h=[zeros(1, n) for n in sizes[:-1]],
                  yhat=zeros(1, sizes[-1]), losses=np.zeros(1), loss=0.0)
    trace.grad_a = [None] + [zeros(1, n) for n in sizes[1:]]
    trace.grad_b = [None] + [zeros(n) for n in sizes[1:]]
    trace.grad_W = [None] + [zeros(sizes[k], sizes[k - 1]) for k in range(1, L + 1)]
    trace.grad_h = [zeros(1, n) for n in sizes[:-1]]
    if network.features is not None:  # the step h_0 = φ(x): the features' names are enough, none is run
        trace.feature_specs = [Feature(name, _not_run, inputs=network.input_width) for name in network.features]
    return trace


def _not_run(X: np.ndarray) -> np.ndarray:
    raise RuntimeError("a skeleton trace's feature is never evaluated")


def step_quantities(network: Network) -> list[str]:
    """The quantity each step writes, in the step-through's order (forward, backward, update)."""
    trace = skeleton_trace(network)
    return [step.quantity for step in all_steps(trace) + update_steps(trace, 0.0)]


def quantity_shape(network: Network, name: str) -> tuple[int, ...] | None:
    """The shape of quantity ``name`` for one sample (a vector is (n,)), or None if the network has none."""
    if not isinstance(name, str) or not _NAME.match(name):
        return None
    parts = split(name)
    if parts is not None and parts[2] < (0 if parts[1] == "h" else 1):  # W0 would wrap round to W_L
        return None
    try:
        value = skeleton_trace(network).quantity(name)
    except (IndexError, KeyError, ValueError):
        return None
    if value is None:
        return None
    array = np.asarray(value)
    if array.ndim == 2 and array.shape[0] == 1 and not name.startswith(("W", "grad_W")):
        return (array.shape[1],)  # one sample's vector
    return array.shape


def value_of(trace: Trace, name: str) -> np.ndarray:
    """Quantity ``name`` of a traced sample as the lesson sees it: one sample's vector, a matrix or a number."""
    value = np.asarray(trace.quantity(name), dtype=float)
    if value.ndim == 2 and value.shape[0] == 1 and not name.startswith(("W", "grad_W")):
        return value[0]
    return value


def check_element(element: Element, network: Network, where: str) -> None:
    """Refuse an element the network does not have (the quantity, or an index out of its shape)."""
    from core.lesson.fields import LessonFormatError

    shape = quantity_shape(network, element.quantity)
    if shape is None:
        raise LessonFormatError(f"{where}: the network has no quantity {element.quantity[:40]!r}")
    if len(element.index) != len(shape) or any(i > n for i, n in zip(element.index, shape)):
        expected = " × ".join(map(str, shape)) or "a single number, without an index"
        raise LessonFormatError(f"{where}: {str(element)[:60]} does not fit {element.quantity} ({expected})")
