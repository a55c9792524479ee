"""What a drop of a palette item at a point of the canvas means, accepted or refused.

Pure decision logic (no event handling): the view asks for a :class:`DropPlan` on every
drag move, draws its feedback, and pushes its command on drop.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from core.engine.network import Network, size_problem
from core.plugin_host.registry import Registry

from ..commands import InsertLayer, SetActivation, SetLoss
from ..mime import parse_item_id
from .layout import LayerGeometry, insertion_index, layer_at

NEW_LAYER_WIDTH = 4


@dataclass
class DropPlan:
    """The verdict on a drop.

    Attributes
    ----------
    accepted : bool
        Whether the drop would change the network.
    message : str
        Why it is refused (shown to the user), or what it will do.
    target_layer : int or None
        The layer to outline (green when accepted, red when refused).
    insert_index : int or None
        Where a new layer goes (draws the insertion marker).
    make_command : callable or None
        Builds the undo command to push on drop (None: accepted but nothing changes).
    """

    accepted: bool
    message: str = ""
    target_layer: int | None = None
    insert_index: int | None = None
    make_command: Callable[[], QUndoCommand] | None = None


def _refuse(message: str, target: int | None = None) -> DropPlan:
    return DropPlan(False, message, target_layer=target)


def _lookup(registry: Registry, table: str, kind: str, name: str) -> str | None:
    """None when ``name`` is usable, else the reason it is not."""
    entry = registry.table(table).get(name)
    if entry is None:
        return f"No {kind} named '{name}' is loaded"
    if entry.problem is not None:
        return f"The {kind} '{name}' is flagged and cannot be used: {entry.problem}"
    return None


def plan_drop(network: Network, registry: Registry, layers: list[LayerGeometry], item_id: str,
              x: float, y: float, new_activation: str = "tanh") -> DropPlan:
    """Decide what dropping ``item_id`` at scene point (x, y) does.

    Parameters
    ----------
    network, registry
        The model and the loaded plugins.
    layers : list of LayerGeometry
        The current layout of the canvas.
    item_id : str
        ``layer:dense``, ``activation:NAME`` or ``loss:NAME``.
    x, y : float
        The drop point in scene coordinates.
    new_activation : str
        The activation a new hidden layer gets (the last one used).
    """
    try:
        kind, name = parse_item_id(item_id)
    except ValueError as exc:
        return _refuse(str(exc))
    L = network.depth
    if kind == "layer":
        if name != "dense":
            return _refuse(f"Unknown layer type '{name}'")
        index = insertion_index(layers, x)
        too_big = size_problem(network.sizes[:index] + [NEW_LAYER_WIDTH] + network.sizes[index:])
        if too_big is not None:
            return _refuse(too_big[:1].upper() + too_big[1:])
        activation = new_activation if new_activation in registry.usable("activations") else "tanh"
        return DropPlan(True, f"Insert a dense layer as layer {index}", insert_index=index,
                        make_command=lambda: InsertLayer(network, index, NEW_LAYER_WIDTH, activation))
    target = layer_at(layers, x, y)
    if kind == "activation":
        if target is None:
            return _refuse("Drop an activation onto a hidden layer")
        if target == 0:
            return _refuse("The input layer has no activation", target)
        if target == L:
            return _refuse("The output function comes from the loss: drop a loss on the output layer", target)
        problem = _lookup(registry, "activations", "activation", name)
        if problem:
            return _refuse(problem, target)
        if network.layers[target].activation == name:
            return DropPlan(True, f"Layer {target} already uses {name}", target_layer=target)
        return DropPlan(True, f"Set the activation of layer {target} to {name}", target_layer=target,
                        make_command=lambda: SetActivation(network, target, name))
    # kind == "loss"
    if target != L:
        where = "the input layer" if target == 0 else (
            f"hidden layer {target}" if target is not None else "the empty canvas")
        return _refuse(f"A loss belongs on the output layer, not on {where}", target)
    problem = _lookup(registry, "losses", "loss", name)
    if problem:
        return _refuse(problem, target)
    if network.loss == name:
        return DropPlan(True, f"The loss already is {name}", target_layer=target)
    return DropPlan(True, f"Set the loss to {name}", target_layer=target,
                    make_command=lambda: SetLoss(network, name))
