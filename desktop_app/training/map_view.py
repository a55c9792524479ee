"""Keeps the boundary pane and the neurons' maps up to date with the network (off the GUI thread).

The maps follow the model as the canvas does: the Document says the weights or the
structure changed (an edit, undo, Reset, or a training snapshot applied), and a new
:class:`~desktop_app.training.maps.MapJob` is requested; the worker coalesces requests
and computes at a bounded rate. The GUI thread colours finished results.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from core.engine.passes import Kernel
from core.plugin_host import guard
from core.plugin_host.validation import PLUGIN_ERRORS
from core.training.data import Dataset

from .. import colours
from ..app_state import AppState
from ..canvas.layout import visible_units
from ..canvas.neuron_maps import NeuronMaps
from .boundary import BoundaryPane
from .map_colours import palette
from .maps import MapJob, MapResult, MapStyle, MapWorker

STUCK_CHECK_MS = 1000


class MapView(QObject):
    """Requests maps of the open network for the shown dataset and shows them.

    Parameters
    ----------
    state : AppState
        The open document and plugins.
    pane : BoundaryPane
        Shows the output (or a neuron) large.
    canvas_maps : NeuronMaps, optional
        Puts the small maps on the canvas's neurons.
    """

    def __init__(self, state: AppState, pane: BoundaryPane, canvas_maps: NeuronMaps | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.pane, self.plot = state, pane, pane.plot
        self.canvas_maps = canvas_maps
        self.worker = MapWorker(self)
        self.worker.ready.connect(self._on_ready)
        self.dataset: Dataset | None = None
        self._kernel: Kernel | None = None
        self._selected: tuple[int, int] | None = None
        self._hovered: tuple[int, int] | None = None
        self._stuck_timer = QTimer(self, interval=STUCK_CHECK_MS)
        self._stuck_timer.timeout.connect(self._check_stuck)
        self._stuck_timer.start()
        pane.discretize.toggled.connect(self._restyle)
        colours.notifier().changed.connect(self._restyle)  # another colour scheme
        self._result: MapResult | None = None
        self._waiting: MapResult | None = None
        self._deferring = False
        if canvas_maps is not None:
            canvas_maps.hovered.connect(self._on_hover)
            canvas_maps.resumed.connect(self.request)
        state.document_changed.connect(self._follow)
        state.host_changed.connect(lambda host: self.invalidate())
        self._follow(state.document)

    @property
    def network(self):
        return self.state.document.network

    def _follow(self, document) -> None:
        document.parameters_changed.connect(lambda *_: self.request())
        document.structure_changed.connect(self.invalidate)
        self._selected = self._hovered = None
        self.plot.set_focus(None)
        self.invalidate()

    def invalidate(self) -> None:
        """The network's functions may have changed (structure, plugins): resolve them afresh."""
        self._kernel = None
        if self.canvas_maps is not None:
            self.canvas_maps.clear()
        self.request()

    # -- what to compute ----------------------------------------------------------------
    def set_dataset(self, dataset: Dataset | None, test: Dataset | None = None, note: str | None = None) -> None:
        """Draw over ``dataset``'s range (None: nothing, and ``note`` says why)."""
        self.dataset = dataset
        self.plot.set_dataset(dataset, test, note)
        if self.canvas_maps is not None:
            self.canvas_maps.clear()
        self.request()

    def request(self) -> None:
        """Ask the worker for maps of the network's current weights."""
        if self.dataset is None or self.plot.extent is None or self.dataset.n_inputs != self.network.input_width:
            return
        try:
            if self._kernel is None:
                self._kernel = Kernel(self.network, self.state.registry)
        except PLUGIN_ERRORS as exc:  # an unknown or flagged activation: nothing to compute
            self.plot.show_problem(f"The network cannot compute:\n{exc}")
            return
        sizes = self.network.sizes
        wanted = self.canvas_maps is not None and len(self.plot.extent) == 4
        visible = {k: visible_units(n)[0] for k, n in enumerate(sizes)} if wanted else {}
        style = MapStyle(palette(), self._probabilities(), self.dataset.n_classes, self.pane.discretize.isChecked())
        self.worker.request(MapJob(self._kernel, [W.copy() for W in self.network.weights],
                                   [b.copy() for b in self.network.biases], self.plot.extent, visible, style))

    # -- results ------------------------------------------------------------------------
    def defer(self, on: bool) -> None:
        """Hold finished maps back until ``flush`` (training draws them in its own tick), or not."""
        self._deferring = on
        if not on:
            self.flush()

    def flush(self) -> None:
        """Show a finished result that waited (called while the training worker is held)."""
        result, self._waiting = self._waiting, None
        if result is not None:
            self._show(result)

    def _on_ready(self) -> None:
        result = self.worker.take()
        if result is None:
            return
        if self._deferring and result.error is None:
            self._waiting = result
        else:
            self._show(result)

    def _show(self, result: MapResult) -> None:
        if result.error is not None:
            self.plot.show_problem(f"The network cannot compute the plane:\n{result.error}")
            if self.canvas_maps is not None:
                self.canvas_maps.clear()
            return
        self._result = result
        features = self._kernel.features if self._kernel is not None else None
        labels = [f.label or f.name for f in features] if features else None
        self.plot.show_result(result, self.network.depth, self._probabilities(), labels)
        if self.canvas_maps is not None and result.extent == self.plot.extent:
            self.canvas_maps.show(result.images)

    def _restyle(self, *args) -> None:
        """Another colour scheme, or Discretize toggled: colour the maps afresh."""
        self.plot.restyle()
        self.request()

    def _probabilities(self) -> bool:
        return self.dataset is not None and self.dataset.task == "classification"

    def _check_stuck(self) -> None:
        """A job that never ends is stuck in plugin code: flag the plugin, ask the thread to stop."""
        if not self.worker.stuck or self._kernel is None:
            return
        thread = self.worker.thread
        culprit = guard.stuck_in(thread.ident, [*(self._kernel.features or []), *self._kernel.hidden,
                                                self._kernel.loss]) if thread.ident else None
        if culprit is not None and culprit[0].problem is None:
            quantity = guard.function_name(culprit) or "it"
            self.state.host.flag(culprit[0], f"{quantity} did not return while drawing the maps (it hangs)")
            guard.give_up_on(thread.ident, alive=lambda: self.worker.busy)
        self._kernel = None
        what = guard.describe(culprit) if culprit is not None else "the network's plugins"
        self.plot.show_problem(f"The maps stopped:\n{what} does not answer")

    # -- focus: the neuron shown large ----------------------------------------------------
    def select(self, selection) -> None:
        """The canvas selection changed: a neuron's map is shown large, else the output."""
        neuron = selection is not None and getattr(selection, "kind", None) == "neuron"
        self._selected = (selection.layer, selection.i) if neuron else None
        self.plot.set_focus(self._hovered or self._selected)

    def _on_hover(self, key: tuple[int, int] | None) -> None:
        self._hovered = key
        self.plot.set_focus(key or self._selected)

    def wait_until_drawn(self, process_events, timeout: float = 10.0) -> bool:
        """Process events until the newest request is drawn (screenshots); False on timeout."""

        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            process_events()
            if self.worker.idle and (self._result is None or self._result.serial == self.worker.last_serial):
                process_events()
                return True
            time.sleep(0.01)
        return False

    def shutdown(self) -> None:
        self._stuck_timer.stop()
        self.worker.close()
