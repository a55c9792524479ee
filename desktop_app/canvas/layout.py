"""Pure geometry of the canvas: where layers and neurons go, and how wide layers collapse.

Layers run left to right at ``LAYER_SPACING``; the neurons of a layer are centred on
y = 0. A layer wider than ``COLLAPSE_ABOVE`` shows its first ``HEAD`` and last ``TAIL``
units with an ellipsis between them, so the number of items stays bounded.
No Qt here: plain numbers, so the geometry is easy to test and reuse.
"""
from __future__ import annotations

from dataclasses import dataclass, field

LAYER_SPACING = 210.0  # x distance between layer centres
NEURON_SPACING = 44.0  # y distance between neuron centres
NEURON_RADIUS = 15.0
BOX_WIDTH = 138.0  # the layer's rounded box
HEADER_HEIGHT = 62.0  # title, width row with − and + buttons
BOX_PADDING = 16.0
COLLAPSE_ABOVE = 12
HEAD = 5
TAIL = 5


@dataclass
class LayerGeometry:
    """Where layer ``index`` is drawn.

    Attributes
    ----------
    index : int
        k, the layer number (0 = input).
    x : float
        Centre x of the layer.
    units : list of int
        0-based unit indices that are drawn, top to bottom.
    unit_y : dict of int to float
        Centre y of each drawn unit.
    hidden_count : int
        How many units the ellipsis stands for (0 when nothing is collapsed).
    ellipsis_y : float or None
        Centre y of the ellipsis marker.
    top, bottom : float
        Vertical extent of the box (header included).
    """

    index: int
    x: float
    units: list[int]
    unit_y: dict[int, float] = field(default_factory=dict)
    hidden_count: int = 0
    ellipsis_y: float | None = None
    top: float = 0.0
    bottom: float = 0.0

    @property
    def left(self) -> float:
        return self.x - BOX_WIDTH / 2

    @property
    def right(self) -> float:
        return self.x + BOX_WIDTH / 2

    def contains_x(self, x: float) -> bool:
        return self.left <= x <= self.right


def visible_units(width: int) -> tuple[list[int], int]:
    """The unit indices drawn for a layer of ``width`` and how many are collapsed."""
    if width <= COLLAPSE_ABOVE:
        return list(range(width)), 0
    return list(range(HEAD)) + list(range(width - TAIL, width)), width - HEAD - TAIL


def layer_geometry(index: int, width: int) -> LayerGeometry:
    """Geometry of one layer of ``width`` units at position ``index``."""
    units, hidden = visible_units(width)
    slots = len(units) + (1 if hidden else 0)
    height = (slots - 1) * NEURON_SPACING
    y0 = -height / 2
    geometry = LayerGeometry(index, index * LAYER_SPACING, units, hidden_count=hidden)
    slot = 0
    for n, unit in enumerate(units):
        if hidden and n == HEAD:
            geometry.ellipsis_y = y0 + slot * NEURON_SPACING
            slot += 1
        geometry.unit_y[unit] = y0 + slot * NEURON_SPACING
        slot += 1
    geometry.top = y0 - NEURON_RADIUS - BOX_PADDING - HEADER_HEIGHT
    geometry.bottom = y0 + height + NEURON_RADIUS + BOX_PADDING
    return geometry


def compute_layout(sizes: list[int]) -> list[LayerGeometry]:
    """Geometry of every layer of a network with layer widths ``sizes``.

    All boxes share one top and bottom, so the headers line up in a row.
    """
    layers = [layer_geometry(k, n) for k, n in enumerate(sizes)]
    top, bottom = min(g.top for g in layers), max(g.bottom for g in layers)
    for g in layers:
        g.top, g.bottom = top, bottom
    return layers


def insertion_index(layers: list[LayerGeometry], x: float) -> int:
    """Where a hidden layer dropped at ``x`` goes: 1 … L (never before input or after output).

    The new layer goes between the two layers whose centres surround ``x``.
    """
    after = sum(1 for g in layers if g.x < x)  # layers to the left of x
    return min(max(after, 1), len(layers) - 1)


def insertion_x(layers: list[LayerGeometry], index: int) -> float:
    """The x of the gap a layer inserted at ``index`` would fill (between index-1 and index)."""
    return (layers[index - 1].x + layers[index].x) / 2


def layer_at(layers: list[LayerGeometry], x: float, y: float | None = None) -> int | None:
    """The index of the layer whose box contains the point (x, y), or None."""
    for g in layers:
        if g.contains_x(x) and (y is None or g.top <= y <= g.bottom):
            return g.index
    return None


def move_target(layers: list[LayerGeometry], x: float) -> int:
    """The hidden position (1 … L-1) nearest to ``x``, for reordering by dragging."""
    hidden = layers[1:-1]
    if not hidden:
        return 1
    return min(hidden, key=lambda g: abs(g.x - x)).index
