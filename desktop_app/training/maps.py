"""What every neuron computes over the input plane, computed off the GUI thread.

For a network with two inputs, TensorFlow Playground draws each neuron's output h over a
grid of the input plane; the output neurons' maps are the decision boundary. A
:class:`MapWorker` computes them in a daemon thread from copies of the weights, at most
one job at a time, the newest request replacing any waiting one, and no sooner than
``max(MIN_INTERVAL, 2 × the last job's time)`` after the previous job: the worker never
takes more than about a third of the machine, however wide the network. The GUI thread
colours them too (:mod:`map_colours`), so the GUI thread only wraps finished pixels into
images. A plugin whose g hangs stalls this thread alone (the window shows that the maps
stopped), never the window.

One engine forward pass (``core.engine.passes.Pass``) gives every h_k and ŷ of the grid
(in float32, in chunks): the maps show the numbers the engine computes.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.engine.buffers import FlatParameters
from core.engine.passes import Kernel, Pass

from .map_colours import boundary_image, in_a_circle, neuron_image, signed_image

GRID = 100  # samples per side of the grid: the boundary at 100 × 100
FIT_POINTS = 400  # one input: points along the fitted curve
THUMB = 25  # per side of the small maps on the canvas (4 × 4 blocks of the grid averaged)
CHUNK = 2500  # grid points per forward pass
MIN_INTERVAL = 0.2  # seconds between two jobs at least: maps at 5 per second at most
HANG_AFTER = 5.0  # seconds: a job this old means a plugin does not answer


@dataclass
class MapStyle:
    """How to colour a job's maps (decided in the GUI thread when the job is asked for)."""

    palette: np.ndarray  # class colours (map_colours.palette())
    classification: bool = True
    n_classes: int | None = None
    discretize: bool = False


@dataclass
class MapJob:
    """Compute the maps of these parameters over ``extent``: (x0, x1, y0, y1) for two inputs,
    (x0, x1) for one (then only ŷ along the line)."""

    kernel: Kernel
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    extent: tuple[float, ...]
    visible: dict[int, list[int]]  # layer k -> the units drawn on the canvas
    style: MapStyle
    serial: int = 0


@dataclass
class MapResult:
    """h of every visible neuron over the grid (GRID × GRID, rows = y from bottom to top)."""

    serial: int
    extent: tuple[float, ...]
    maps: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # (k, i) -> h_k[i] on the grid
    yhat: np.ndarray | None = None  # (GRID*GRID, n_L): ŷ on the grid
    boundary: np.ndarray | None = None  # GRID × GRID × 3 uint8: the output coloured (decision boundary)
    images: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # (k, i) -> THUMB² RGBA, a disc
    scales: dict[int, float] = field(default_factory=dict)  # layer k -> the |h| of full colour
    seconds: float = 0.0
    error: str | None = None


def grid_points(extent: tuple[float, float, float, float], n: int = GRID) -> np.ndarray:
    """The n × n grid over ``extent`` as rows (x1, x2), row-major with y growing."""
    x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.column_stack([gx.ravel(), gy.ravel()])


def compute(job: MapJob) -> MapResult:
    """Run ``job``: the engine's forward pass over the grid, in chunks, in float32."""
    started = time.perf_counter()
    if len(job.extent) == 2:
        points = np.linspace(job.extent[0], job.extent[1], FIT_POINTS, dtype=np.float32)[:, None]
        job.visible = {}
    else:
        points = grid_points(job.extent).astype(np.float32)
    parameters = FlatParameters.of(job.weights, job.biases, np.float32)
    L = len(job.weights)
    maps = {(k, i): np.empty(len(points), np.float32) for k, units in job.visible.items() for i in units}
    yhat = np.empty((len(points), job.kernel.sizes[-1]), np.float32)
    passes: dict[int, Pass] = {}
    with np.errstate(all="ignore"):
        for start in range(0, len(points), CHUNK):
            rows = slice(start, start + CHUNK)
            chunk = points[rows]
            run = passes.get(len(chunk)) or passes.setdefault(len(chunk), job.kernel.bind(parameters, None, len(chunk)))
            run.load(chunk)  # h_0
            yhat[rows] = run.forward()  # every h_k of the chunk stays in the workspace
            h = run.workspace.h  # [h_k; 1], one column per point
            for (k, i), values in maps.items():
                values[rows] = yhat[rows, i] if k == L else h[k][i]
    result = MapResult(job.serial, job.extent, {key: v.reshape(GRID, GRID) for key, v in maps.items()}, yhat)
    if len(job.extent) == 4:
        paint(result, job.style, L)
    result.seconds = time.perf_counter() - started
    return result


def paint(result: MapResult, style: MapStyle, n_layers: int) -> None:
    """Colour ``result``: the boundary image and a small disc per visible neuron."""
    yhat = result.yhat
    assert yhat is not None
    if style.classification:
        rgb = boundary_image(yhat, style.n_classes or yhat.shape[1], style.palette, style.discretize)
    else:
        rgb = signed_image(yhat[:, 0], float(np.nanmax(np.abs(yhat))) or 1.0, style.palette, style.discretize)
    result.boundary = rgb.reshape(GRID, GRID, 3)
    for (k, _), values in result.maps.items():  # h of full colour: ±1 (tanh's range), or the layer's largest
        result.scales[k] = max(result.scales.get(k, 1.0), float(np.nanmax(np.abs(values))))
    for (k, i), values in result.maps.items():
        # an input unit (x₁, x₁², sin x₁ …) in its own range; a layer's units on one scale
        scale = float(np.nanmax(np.abs(values))) or 1.0 if k == 0 else result.scales[k]
        small = neuron_image(thumbnail(values), k, i, n_layers, yhat.shape[1], style.classification,
                             scale, style.palette, style.discretize)
        result.images[(k, i)] = in_a_circle(small)


def thumbnail(values: np.ndarray) -> np.ndarray:
    """The GRID × GRID map averaged over blocks to THUMB × THUMB."""
    block = GRID // THUMB
    return values.reshape(THUMB, block, THUMB, block).mean(axis=(1, 3))


class MapWorker(QObject):
    """Computes :class:`MapJob`s in a daemon thread; ``ready`` is emitted (in the GUI thread)
    when a result can be taken with ``take()``."""

    ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._condition = threading.Condition()
        self._job: MapJob | None = None
        self._result: MapResult | None = None
        self._busy_since: float | None = None
        self._last_seconds = 0.0
        self._next_start = 0.0
        self._closed = False
        self._serial = 0
        self._thread = threading.Thread(target=self._loop, name="neuron maps", daemon=True)
        self._thread.start()

    def request(self, job: MapJob) -> int:
        """Compute ``job`` when the worker is free (a waiting job is replaced); its serial number."""
        with self._condition:
            self._serial += 1
            job.serial = self._serial
            self._job = job
            self._condition.notify()
        return job.serial

    def take(self) -> MapResult | None:
        """The newest finished result (once)."""
        with self._condition:
            result, self._result = self._result, None
        return result

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    @property
    def busy(self) -> bool:
        return self._busy_since is not None

    @property
    def stuck(self) -> bool:
        """A job has run for longer than HANG_AFTER seconds (a plugin that does not answer)."""
        since = self._busy_since
        return since is not None and time.perf_counter() - since > HANG_AFTER

    @property
    def last_serial(self) -> int:
        """The serial number of the newest request."""
        return self._serial

    @property
    def idle(self) -> bool:
        with self._condition:
            return self._job is None and self._busy_since is None

    def close(self) -> None:
        """Finish the thread after its current job (not waited for)."""
        with self._condition:
            self._closed = True
            self._job = None
            self._condition.notify()

    def _loop(self) -> None:
        while True:
            with self._condition:
                while not self._closed and (self._job is None or time.perf_counter() < self._next_start):
                    delay = None if self._job is None else self._next_start - time.perf_counter()
                    self._condition.wait(delay)
                if self._closed:
                    return
                job, self._job = self._job, None
                self._busy_since = time.perf_counter()
            try:
                result = compute(job)
            except BaseException as exc:  # noqa: BLE001 - plugin code: anything, SystemExit included
                result = MapResult(job.serial, job.extent, error=f"{type(exc).__name__}: {exc}")
            with self._condition:
                self._busy_since = None
                self._last_seconds = result.seconds
                self._next_start = time.perf_counter() + max(MIN_INTERVAL, 2 * result.seconds)
                self._result = result
            try:
                self.ready.emit()
            except RuntimeError:  # the window is gone
                return
