"""The open network as the window sees it: model, file, undo stack, example and trace.

The Qt-free Network emits psygnal events; the Document re-emits what the widgets need as
Qt signals (delivered in the GUI thread) and keeps the trace of the example sample
up to date, so every number the widgets show comes from the engine.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from core.engine.network import Network, NetworkError
from core.engine.passes import ShapeError, Trace, run_trace
from core.io.network_file import save_network
from core.plugin_host import guard
from core.plugin_host.host import PluginHost
from core.plugin_host.registry import RegistryError
from core.plugin_host.validation import PLUGIN_ERRORS
from core.training.setup import TrainingSetup

from .commands import NetworkCommand


class DocumentStack(QUndoStack):
    """The document's undo stack. While ``locked`` holds a reason (a lesson page locks editing),
    edits of the network by hand (commands.NetworkCommand) are refused with ``refused(reason)``;
    what training does to the weights is not an edit by hand and goes through."""

    refused = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.locked = ""

    def push(self, command) -> None:
        if self.locked and isinstance(command, NetworkCommand):
            self.refused.emit(self.locked)
            return
        super().push(command)


TRACE_WHILE_TRAINING_MS = 200  # see Document.defer_trace


class Document(QObject):
    """One open network. Widgets read ``network`` and ``trace`` and listen to the signals.

    The model's per-layer events are forwarded one for one (a widget updates the layer
    that changed instead of redrawing everything); ``structure_changed`` follows each of
    them for widgets that only need to know that the shape changed.
    """

    layer_inserted = Signal(int)  # index of the new hidden layer
    layer_removed = Signal(int)  # index the removed hidden layer had
    layer_changed = Signal(int)  # width or activation of layer k
    layers_moved = Signal(int, int)  # old, new index of a hidden layer
    loss_changed = Signal(str)
    structure_changed = Signal()  # after any of the five above
    parameters_changed = Signal(int)  # k, or 0 for all layers
    trace_changed = Signal()  # ``trace`` was recomputed (or became None)
    modified_changed = Signal(bool)
    path_changed = Signal(str)
    setup_changed = Signal(object)  # the new TrainingSetup

    def __init__(self, network: Network, host: PluginHost, path: str | Path | None = None,
                 example: tuple[list[float], list[float]] | None = None, parent=None, *,
                 setup: TrainingSetup | None = None) -> None:
        super().__init__(parent)
        self.network = network
        self.host = host
        self.path = Path(path) if path else None
        self.undo_stack = DocumentStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.example = example
        self.metadata: dict | None = None  # the file's free-text name and description, kept on save
        # how the network is trained, saved with it; edits are not undo steps but make the file modified
        self.setup = setup or TrainingSetup()
        self.has_setup = setup is not None  # the file came with a setup (else the panel may adapt it)
        self._saved_setup = self.setup
        self.trace: Trace | None = None
        self.trace_error: str | None = None
        # while training, new weights recompute the trace at most this often, in an event of its own
        self._trace_timer = QTimer(self, singleShot=True, interval=TRACE_WHILE_TRAINING_MS)
        self._trace_timer.timeout.connect(self.recompute_trace)
        self._trace_deferred = False
        self._forwards = [
            (network.layer_inserted, self._on_inserted), (network.layer_removed, self._on_removed),
            (network.layer_changed, self._on_changed), (network.layers_moved, self._on_moved),
            (network.loss_changed, self._on_loss), (network.parameters_changed, self._on_parameters),
        ]
        for event, slot in self._forwards:
            event.connect(slot)
        self.recompute_trace()

    def all_signals(self) -> list:
        """Every signal of the document (to disconnect them all when it is retired)."""
        return [self.layer_inserted, self.layer_removed, self.layer_changed, self.layers_moved,
                self.loss_changed, self.structure_changed, self.parameters_changed, self.trace_changed,
                self.modified_changed, self.path_changed, self.setup_changed]

    def detach(self) -> None:
        """Stop following the network (the document is being replaced)."""
        for event, slot in self._forwards:
            event.disconnect(slot)
        self._forwards = []

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(self.is_modified)

    @property
    def registry(self):
        return self.host.registry

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean() or self.setup != self._saved_setup

    def set_setup(self, setup: TrainingSetup, *, as_saved: bool = False) -> None:
        """Train with ``setup`` from now on (``as_saved``: it counts as what the file holds)."""
        was_modified, old = self.is_modified, self.setup
        self.setup = setup
        if as_saved:
            self._saved_setup = setup
        if setup != old:
            self.setup_changed.emit(setup)
            if setup.penalty != old.penalty:  # the example's loss and ∇W_k change with it
                self.recompute_trace()
        if self.is_modified != was_modified:
            self.modified_changed.emit(self.is_modified)

    def title(self) -> str:
        name = self.path.name if self.path else "Untitled"
        return f"{name}[*]"

    def set_path(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path_changed.emit(str(self.path))

    def write(self, path: str | Path) -> None:
        """Write the network with its example, metadata (name, description) and training setup atomically.

        The one way a Document reaches a file: File ▸ Save and the autosave both use it,
        so a recovered autosave keeps everything Save keeps.

        Raises
        ------
        FileFormatError
            The file cannot be written (the message names it).
        """
        example = None
        if self.example:
            example = {"input": list(self.example[0]), "target": list(self.example[1])}
        save_network(self.network, path, example=example, metadata=self.metadata, setup=self.setup)

    def mark_saved(self) -> None:
        self._saved_setup = self.setup
        was_clean = self.undo_stack.isClean()
        self.undo_stack.setClean()
        if was_clean:  # no cleanChanged: say that a changed setup is saved now
            self.modified_changed.emit(self.is_modified)

    # -- the example sample and its trace ----------------------------------------------
    def example_problem(self) -> str | None:
        """Why the stored example cannot be used with this network and loss, or None."""
        if not self.example:
            return None
        (x, y), sizes = self.example, self.network.sizes
        if len(x) != self.network.input_width:  # the raw x (h_0 = φ(x) with input features)
            return f"its input has {len(x)} value(s) but the network reads {self.network.input_width}"
        if len(y) != sizes[-1]:
            return f"its target has {len(y)} value(s) but the output layer has {sizes[-1]} unit(s)"
        loss = self.registry.losses.get(self.network.loss)
        if loss is None or loss.problem is not None:
            return None  # the loss itself is the problem; the trace says so
        try:  # the loss plugin's own check of a target, with a time limit
            return guard.call_with_time_limit(loss.target_problem, np.asarray([y], dtype=float),
                                              suspects=[loss], limit=self.host.call_limit,
                                              what="the target check")
        except PLUGIN_ERRORS:
            return None

    def default_example(self) -> tuple[list[float], list[float]]:
        """A sample that fits the network: the stored one, else x = 1 … and y = e(1)."""
        n_in, n_out = self.network.input_width, self.network.sizes[-1]
        if self.example and self.example_problem() is None:
            return self.example
        x = list(np.linspace(1.0, -1.0, n_in)) if n_in > 1 else [1.0]
        y = [1.0] + [0.0] * (n_out - 1)
        return x, y

    def recompute_trace(self) -> None:
        """Run the engine on the example; a failure (unknown activation …) is kept as a message."""
        x, y = self.default_example()
        network = self.network
        suspects = self.host.in_use(network.activations, network.loss, features=network.features or (),
                                    regularizer=self.setup.regularization)
        try:  # plugin code, with a time limit: a plugin that hangs is flagged, not waited for
            # the setup's regularisation is part of the loss and of every ∇W_k the step-through shows
            self.trace = guard.call_with_time_limit(run_trace, network, x, y, self.registry, self.setup.penalty,
                                                    suspects=suspects, limit=self.host.call_limit,
                                                    what="the example's pass")
            self.trace_error = None
        except (RegistryError, ShapeError, NetworkError) as exc:  # the canvas still draws; the message says why
            self.trace = None
            self.trace_error = str(exc)
        except PLUGIN_ERRORS as exc:  # raised, exited, lied or hung: named (and flagged if it hung or lied)
            self.trace = None
            self.trace_error = self.host.explain_failure(exc, suspects)
        self.trace_changed.emit()

    # -- the model's events, forwarded ----------------------------------------------------
    def _structure(self, forward) -> None:
        forward()
        self.structure_changed.emit()
        self.recompute_trace()

    def _on_inserted(self, index: int) -> None:
        self._structure(lambda: self.layer_inserted.emit(index))

    def _on_removed(self, index: int) -> None:
        self._structure(lambda: self.layer_removed.emit(index))

    def _on_changed(self, index: int) -> None:
        self._structure(lambda: self.layer_changed.emit(index))

    def _on_moved(self, old: int, new: int) -> None:
        self._structure(lambda: self.layers_moved.emit(old, new))

    def _on_loss(self, name: str) -> None:
        self._structure(lambda: self.loss_changed.emit(name))

    def _on_parameters(self, k: int) -> None:
        self.parameters_changed.emit(k)
        if not self._trace_deferred:
            self.recompute_trace()
        elif not self._trace_timer.isActive():
            self._trace_timer.start()

    def defer_trace(self, on: bool) -> None:
        """While training (``on``): new weights recompute the trace at most every
        TRACE_WHILE_TRAINING_MS, not in the event that brought them, so a wide network's trace
        does not add to the training tick; off: a pending recompute happens now."""
        self._trace_deferred = on
        if not on and self._trace_timer.isActive():
            self._trace_timer.stop()
            self.recompute_trace()
