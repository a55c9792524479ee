"""The training dock: settings, Play/Pause/Step/Reset/Stop, and the timer that feeds the plots.

The GUI thread never waits for training: a QTimer (about 12 Hz) drains the worker's
reports into the history and redraws the plots; every second tick it applies a snapshot
of the weights to the network (so the canvas follows), every third it redraws the
boundary and the progress line. Each tick holds the worker while it draws and paints
(see ``pacing``), so drawing never competes with training for the GIL.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from core.engine.network import NetworkError
from core.engine.passes import Kernel
from core.plugin_host import guard
from core.plugin_host.validation import PLUGIN_ERRORS
from core.training.data import Dataset, DatasetError

from .. import plain_text
from ..app_state import AppState
from .command import ParametersCommand, parameters_of
from .form import TrainingForm
from .history import TrainingHistory
from .pacing import PaintNow
from .plots import TrainingPlots
from .worker import TrainingSession

REFRESH_HZ = 12
BOUNDARY_EVERY = 3  # ticks
WEIGHTS_EVERY = 2  # ticks: the canvas repaints on every weight change and costs most
STATUS_EVERY = 3  # ticks: a progress line changing faster cannot be read anyway


class TrainingPanel(QWidget):
    """Controls training of ``document.network`` and feeds ``plots``.

    Signals
    -------
    weights_applied()
        The network received new weights from training.
    status_message(str)
        A line for the window's status bar.
    """

    weights_applied = Signal()
    status_message = Signal(str)

    def __init__(self, state, plots: TrainingPlots, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = AppState.of(state)
        self.document = document = self.state.document
        self.plots = plots
        self.history = TrainingHistory()
        self.session: TrainingSession | None = None
        self.data: tuple[Dataset, Dataset, Dataset] | None = None
        self.error_box: QMessageBox | None = None
        self.last_error: str | None = None
        self._kernel: Kernel | None = None
        self._applying = False
        self._ticks = 0
        self._start_params = None
        self._paint_now: PaintNow | None = None

        self.form = TrainingForm(document.registry)
        icon = self.style().standardIcon
        SP = QStyle.StandardPixmap
        self.play_button = QPushButton(icon(SP.SP_MediaPlay), "Play")
        self.step_button = QPushButton(icon(SP.SP_MediaSkipForward), "Step batch")
        self.epoch_button = QPushButton(icon(SP.SP_MediaSeekForward), "Step epoch")
        self.reset_button = QPushButton(icon(SP.SP_BrowserReload), "Reset")
        self.stop_button = QPushButton(icon(SP.SP_MediaStop), "Stop")
        self.play_button.setToolTip("Train continuously (Pause keeps the optimizer's state)")
        self.step_button.setToolTip("One optimizer step on one mini-batch")
        self.epoch_button.setToolTip("Train until the end of the current epoch")
        self.reset_button.setToolTip("Draw fresh weights from the init seed (undoable)")
        self.stop_button.setToolTip("Stop training now")
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for button in (self.play_button, self.step_button, self.epoch_button, self.reset_button,
                       self.stop_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = plain_text.plain_label()  # errors quote plugin names and messages
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # room for two lines: a progress line that wraps must not resize the docks (and
        # repaint every plot) while training
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)

        self.timer = QTimer(self, interval=1000 // REFRESH_HZ)
        self.timer.timeout.connect(self.tick)
        self.play_button.clicked.connect(self.play_pause)
        self.step_button.clicked.connect(self.step_batch)
        self.epoch_button.clicked.connect(self.step_epoch)
        self.reset_button.clicked.connect(self.reset)
        self.stop_button.clicked.connect(self.stop)
        self.form.data_changed.connect(self._on_data_settings)
        self.form.optimizer_changed.connect(self._on_optimizer_settings)
        self._connect(document)
        self.state.document_changed.connect(self._follow)
        self.state.host_changed.connect(self._on_host)
        self._fit_dataset_to_network()
        self._update_buttons()

    # -- the document ------------------------------------------------------------------
    def _connect(self, document) -> None:
        document.structure_changed.connect(self._on_structure_changed)
        document.parameters_changed.connect(self._on_parameters_changed)

    def _follow(self, document) -> None:
        """Follow another document (File ▸ New or Open); training of the old one stops."""
        self.stop()
        self.document = document
        self._connect(document)
        self.history.clear()
        self._kernel = None
        self.plots.update_from(self.history)
        self._fit_dataset_to_network()

    def _on_host(self, host) -> None:
        """Plugins reloaded: offer their datasets and optimizers; a new session uses them."""
        self.stop()
        self._kernel = None
        self.form.refresh(host.registry)

    @property
    def network(self):
        return self.document.network

    @property
    def is_training(self) -> bool:
        return self.session is not None and self.session.running

    # -- buttons -----------------------------------------------------------------------
    def play_pause(self) -> None:
        if self.is_training:
            self.pause()
        else:
            self.play()

    def play(self, *, until_epoch: bool = False) -> bool:
        """Start (or resume) training in the worker thread."""
        session = self._ensure_session()
        if session is None:
            return False
        session.start(until_epoch=until_epoch)
        self._paint_now = None  # look the window's views up afresh
        self.timer.start()
        self._update_buttons()
        return True

    def pause(self) -> None:
        if self.session is not None:
            self.session.pause()
        self.tick()
        self._commit()
        self._update_buttons()

    def stop(self) -> None:
        """Stop at once; the next Play starts a fresh optimizer from the current weights."""
        if self.session is None:
            return
        self.session.stop()
        self.timer.stop()
        self.tick()
        self._commit()
        self.session = None
        self._update_buttons()

    def step_batch(self) -> None:
        """Exactly one optimizer step, in the GUI thread."""
        if self.is_training:
            return
        session = self._ensure_session()
        if session is None:
            return
        session.step_once()
        self.tick(boundary=True)
        self._commit()

    def step_epoch(self) -> None:
        if not self.is_training:
            self.play(until_epoch=True)

    def reset(self) -> None:
        """Fresh weights from the init seed (one undoable command); the plots start over."""
        self.stop()
        before = parameters_of(self.network)
        self._applying = True
        try:
            self.network.reinitialize(self.form.init_seed.value())
            self.document.undo_stack.push(
                ParametersCommand(self.network, before, parameters_of(self.network), "Reset weights"))
        finally:
            self._applying = False
        self.history.clear()
        self.plots.update_from(self.history)
        self._update_boundary()
        self.weights_applied.emit()
        self._show_status(f"Weights re-initialised from seed {self.form.init_seed.value()}")

    def shutdown(self) -> None:
        """Stop training and the timer (the window is closing)."""
        self.timer.stop()
        if self.session is not None:
            self.session.stop()
            self.session = None

    # -- session -----------------------------------------------------------------------
    def _ensure_session(self) -> TrainingSession | None:
        if self.session is not None and not self.session.finished:
            return self.session
        self.session = None
        try:
            if self.data is None:
                self._make_data()
            _, train, test = self.data
            session = TrainingSession(self.network, train, self.document.registry, self.form.config(),
                                      test if len(test) else None, parent=self, host=self.document.host)
        except PLUGIN_ERRORS as exc:  # bad data or settings, or a plugin that raises: say so
            self._show_error_text(str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}")
            return None
        session.diverged.connect(self._on_diverged)
        session.halted.connect(self._on_halted)
        self.session = session
        self._start_params = parameters_of(self.network)
        self.history.new_session(math.ceil(len(train) / self.form.batch_size.value()))
        self.last_error = None
        return session

    def _make_data(self) -> None:
        self.data = None
        try:
            self.data = self.form.make_data()
        except DatasetError as exc:
            self.plots.boundary.set_dataset(None)
            raise exc
        data, inputs = self.data[0], self.network.sizes[0]
        if data.n_inputs != inputs:  # the points would not be what this network sees
            self.plots.boundary.set_dataset(
                None, f"{data.name} has {data.n_inputs} input(s);\nthe network's input layer has {inputs}")
            return
        self.plots.boundary.set_dataset(data)
        self._update_boundary()

    def _restart(self, rebuild_data: bool) -> None:
        """Settings changed: finish the current session and carry on with the new settings."""
        was_training = self.is_training
        self.stop()
        if rebuild_data:
            self.history.clear()
            self.plots.update_from(self.history)
            try:
                self._make_data()
                self._show_status("")
            except DatasetError as exc:
                self._show_error_text(str(exc))
                return
        if was_training:
            self.play()

    def _on_data_settings(self) -> None:
        self._restart(rebuild_data=True)

    def _on_optimizer_settings(self) -> None:
        if self.session is not None:
            self._restart(rebuild_data=False)

    def _fit_dataset_to_network(self) -> None:
        """Pick a dataset that fits the network if the current one does not."""
        sizes = self.network.sizes
        name = self.form.dataset_name()
        if name in self.document.registry.datasets and not self.form.fits(name, sizes):
            for candidate in self.document.registry.usable("datasets"):
                if self.form.fits(candidate, sizes):
                    self.form.dataset.blockSignals(True)
                    self.form.set_dataset(candidate)
                    self.form.dataset.blockSignals(False)
                    break
        try:
            self._make_data()
            full = self.data[0]
            full.check_inputs(sizes[0])
            full.targets(sizes[-1])
            self._show_status(f"Ready: press Play to train on {self.form.dataset_name()}")
        except DatasetError as exc:
            self._show_error_text(str(exc))

    # -- model events ------------------------------------------------------------------
    def _discard_session(self) -> bool:
        """Stop training without applying or committing its last weights (the model changed
        under it); returns whether it was training."""
        if self.session is None:
            return False
        was_training = self.is_training
        self.session.stop()
        self.timer.stop()
        for report in self.session.drain():
            self.history.absorb(report)
        self.session = None
        self._start_params = parameters_of(self.network)
        self._update_buttons()
        return was_training

    def _on_structure_changed(self) -> None:
        if self._discard_session():
            self._show_status("Training stopped: the network's structure changed")
        self._kernel = None
        self.history.clear()
        self.plots.update_from(self.history)
        self._fit_dataset_to_network()

    def _on_parameters_changed(self, k: int) -> None:
        if self._applying:
            return
        # a weight typed in, or undo: the trainer's copy is stale; go on from the new weights
        if self._discard_session():
            self.play()
        self._start_params = parameters_of(self.network)
        self._update_boundary()

    # -- the timer -----------------------------------------------------------------------
    def tick(self, boundary: bool = False) -> None:
        """Drain reports, apply the newest weights, redraw plots (and now and then the boundary)."""
        session = self.session
        if session is None:
            self.timer.stop()
            return
        session.hold()  # the worker waits while the GUI thread redraws and paints
        try:
            self._redraw(session, boundary)
            if self._paint_now is None:
                self._paint_now = PaintNow(self.window())
            self._paint_now()
        finally:
            session.release()
        if not session.running:
            self.timer.stop()

    def _redraw(self, session: TrainingSession, boundary: bool) -> None:
        reports = session.drain()
        self.history.absorb_all(reports)
        if not (reports or boundary):
            return
        self._ticks += 1
        final = boundary or not session.running  # the last picture of a run: draw everything
        if final or self._ticks % WEIGHTS_EVERY == 0:
            self._apply_snapshot(session)
        if final or self.plots.isVisible():  # a closed plots dock catches up when shown again
            self.plots.update_from(self.history)
            if final or self._ticks % BOUNDARY_EVERY == 0:
                self._update_boundary()
        if final or self._ticks % STATUS_EVERY == 0:
            self._show_progress()

    def _apply_snapshot(self, session: TrainingSession) -> None:
        weights, biases = session.trainer.snapshot()
        if not all(np.all(np.isfinite(p)) for p in weights + biases):
            return
        self._applying = True
        try:
            self.network.set_parameters(weights, biases)
        except NetworkError:
            return
        finally:
            self._applying = False
        self.weights_applied.emit()

    def _update_boundary(self) -> None:
        if self.plots.boundary.grid is None:
            return
        host = self.document.host
        try:
            kernel = self._kernel
            if kernel is None or any(item.problem for item in (*kernel.hidden, kernel.loss)):  # flagged since
                kernel = self._kernel = Kernel(self.network, self.document.registry)
            suspects = [*kernel.hidden, kernel.loss]
            # plugin code on the GUI thread: with a time limit (a plugin that hangs is flagged)
            guarded = SimpleNamespace(predict=lambda *args: guard.call_with_time_limit(
                kernel.predict, *args, suspects=suspects, limit=host.call_limit, what="the decision boundary"))
            self.plots.boundary.update_prediction(guarded, self.network.weights, self.network.biases)
        except guard.PluginHang as exc:
            self._kernel = None
            self.plots.boundary.set_dataset(None, f"No decision boundary:\n{host.explain_failure(exc, suspects)}")
        except PLUGIN_ERRORS:  # a plugin that raises or lies: no heatmap, not a crash
            self._kernel = None
            self.plots.boundary.set_dataset(None, "The network cannot compute this dataset\n(see the message below)")

    def _commit(self) -> None:
        """Put the weight change of the training since the last commit on the undo stack."""
        if self._start_params is None or self.history.n_steps == 0:
            return
        after = parameters_of(self.network)
        before = self._start_params
        if [W.shape for W in before[0]] != [W.shape for W in after[0]]:
            self._start_params = after
            return
        if all(np.array_equal(x, y) for x, y in zip(before[0] + before[1], after[0] + after[1])):
            return
        self._applying = True
        try:
            self.document.undo_stack.push(ParametersCommand(
                self.network, before, after, f"Train (epoch {self.history.last_epoch})", mergeable=True))
        finally:
            self._applying = False
        self._start_params = after

    # -- reports -------------------------------------------------------------------------
    def _on_halted(self, reason: str) -> None:
        self.tick(boundary=True)
        self._commit()
        if reason == "completed":
            self.session = None
        self._update_buttons()

    def _on_diverged(self, message: str, layer) -> None:
        if self.session is not None:
            self.session.stop()
        self.timer.stop()
        self.tick(boundary=True)
        self._commit()
        self.session = None
        self.last_error = message
        self._update_buttons()
        self._show_error_text(message)
        self.status_message.emit(message)
        if self.error_box is not None:
            self.error_box.close()
        self.error_box = plain_text.message(
            self, QMessageBox.Icon.Warning, "Training stopped", message[:1].upper() + message[1:],
            informative="The weights before the failing step are kept.", modal=False)

    def _show_progress(self) -> None:
        h = self.history
        parts = [f"Epoch {h.last_epoch}", f"step {h.last_step}"]
        if h.n_steps:
            parts.append(f"batch loss {h.step_loss.values[-1]:.4g}")
        if h.n_epochs:
            parts.append(f"train loss {h.train_loss.values[-1]:.4g}")
            test_loss = h.test_loss.values[-1]
            if not np.isnan(test_loss):
                parts.append(f"test loss {test_loss:.4g}")
            accuracy = h.test_accuracy.values[-1]
            if np.isnan(accuracy):
                accuracy = h.train_accuracy.values[-1]
            if not np.isnan(accuracy):
                parts.append(f"accuracy {accuracy:.0%}")
        self._show_status(" · ".join(parts))

    def _show_status(self, text: str) -> None:
        self.status.setStyleSheet("")
        plain_text.set_plain(self.status, text)

    def _show_error_text(self, text: str) -> None:
        self.status.setStyleSheet("color: #b00020;")
        plain_text.set_plain(self.status, text[:1].upper() + text[1:])

    def _update_buttons(self) -> None:
        training = self.is_training
        style = self.style()
        icon = QStyle.StandardPixmap.SP_MediaPause if training else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(style.standardIcon(icon))
        self.play_button.setText("Pause" if training else "Play")
        self.step_button.setEnabled(not training)
        self.epoch_button.setEnabled(not training)
        self.stop_button.setEnabled(self.session is not None)
