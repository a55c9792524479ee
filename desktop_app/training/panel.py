"""The training dock: what the buttons do to the training session, and the setup they train with.

The parts each have one job: :class:`~.form.TrainingForm` and :class:`~.controls.TrainingControls`
show and edit the document's :class:`~core.training.setup.TrainingSetup`;
:class:`~.worker.TrainingSession` runs the Trainer in its thread; :class:`~.live.LiveView`
drains its reports on a timer and hands weights to the Network (which the canvas and the
maps follow); :class:`~.command.TrainingUndo` makes each stretch of training one undo
step; :class:`~.runs.KeptRuns` keeps curves to compare. This panel wires them: it starts,
pauses and stops sessions and answers what they report.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QSizePolicy, QVBoxLayout, QWidget

from core.plugin_host import guard
from core.plugin_host.validation import PLUGIN_ERRORS
from core.training.data import Dataset, DatasetError, make_data
from core.training.setup import SetupError, TrainingSetup
from core.training.watch import loss_warning

from .. import plain_text
from ..app_state import AppState
from ..canvas.neuron_maps import NeuronMaps
from .command import ParametersCommand, TrainingUndo, parameters_of
from .controls import TrainingControls
from .form import TrainingForm, lr_warning
from .history import TrainingHistory
from .live import LiveView
from .map_view import MapView
from .plots import TrainingPlots
from .runs import KeptRuns
from .status import progress_line
from .worker import Halt, TrainingSession

DATA_KEYS = ("dataset", "samples", "noise", "seed", "test_fraction", "target_column", "task")
RUN_KEYS = ("optimizer", "hyperparameters", "batch_size", "regularization", "rate")


class TrainingPanel(QWidget):
    """Trains ``state.document.network`` with ``state.document.setup`` and feeds ``plots``.

    Signals
    -------
    weights_applied()
        The network received new weights from training.
    status_message(str)
        A line for the window's status bar.
    """

    weights_applied = Signal()
    status_message = Signal(str)

    def __init__(self, state, plots: TrainingPlots, canvas_maps: NeuronMaps | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = AppState.of(state)
        self.document = self.state.document
        self.plots = plots
        self.history = TrainingHistory()
        self.session: TrainingSession | None = None
        self.data: tuple[Dataset, Dataset, Dataset] | None = None
        self.error_box: QMessageBox | None = None
        self.last_error: str | None = None
        self.undo = TrainingUndo()

        self.form = TrainingForm(self.state.registry)
        self.controls = TrainingControls()
        self.runs = KeptRuns()
        self.live = LiveView(self.history, plots, self)
        self.maps = MapView(self.state, plots.boundary_pane, canvas_maps, self)
        self.status = plain_text.plain_label()  # errors quote plugin names and messages
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # room for two lines: a progress line that wraps must not resize the docks (and
        # repaint every plot) while training
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.controls)
        layout.addWidget(self.status)
        layout.addWidget(self.runs)
        layout.addWidget(self.form)
        layout.addStretch(1)

        c = self.controls
        c.play_pause.connect(self.play_pause)
        c.step_batch.connect(self.step_batch)
        c.step_epoch.connect(self.step_epoch)
        c.reset.connect(self.reset)
        c.stop.connect(self.stop)
        c.keep_run.connect(self.keep_run)
        c.pace_changed.connect(self._on_pace)
        c.stop_changed.connect(self._on_stop_when)
        self.form.edited.connect(self._on_form_edited)
        self.runs.changed.connect(plots.set_ghosts)
        self.live.weights_applied.connect(self.weights_applied)
        self.live.halted.connect(self._on_halt)
        self.live.weights_edited.connect(self._on_weights_edited)
        self.live.progressed.connect(self._show_progress)
        self.live.drawing.connect(self.maps.flush)  # maps computed meanwhile are drawn in the tick
        self.state.document_changed.connect(self._follow)
        self.state.host_changed.connect(self._on_host)
        self._follow(self.document, first=True)

    # -- the document ------------------------------------------------------------------
    @property
    def network(self):
        return self.document.network

    @property
    def setup(self) -> TrainingSetup:
        return self.document.setup

    @property
    def is_training(self) -> bool:
        return self.session is not None and self.session.running

    def _follow(self, document, first: bool = False) -> None:
        """Follow another document (File ▸ New or Open): training of the old one stops."""
        if not first:
            self.stop()
        self.document = document
        document.structure_changed.connect(self._on_structure_changed)
        self.history.clear()
        self.plots.update_from(self.history)
        self.form.show_setup(document.setup)
        self.controls.set_pace(document.setup.pace)
        self.controls.set_stop_when(document.setup.stop)
        self.controls.show_counter(0, 0)
        if not document.has_setup:  # a file without a setup: a dataset that fits, as if saved so
            self._fit_dataset_to_network(as_saved=True)
        try:  # the setup as the form has it (absent hyperparameters at the optimizer's defaults) is the file's
            self._set_setup(self.form.setup(document.setup), as_saved=True)
        except SetupError:
            pass
        self._make_data()
        self._update_buttons()

    def _on_host(self, host) -> None:
        """Plugins reloaded: offer their datasets and optimizers; a new session uses them."""
        self.stop()
        self.form.refresh(host.registry)
        self.form.show_setup(self.setup)

    def _set_setup(self, setup: TrainingSetup, *, as_saved: bool = False) -> None:
        self.document.set_setup(setup, as_saved=as_saved)

    # -- buttons -----------------------------------------------------------------------
    def play_pause(self) -> None:
        if self.is_training:
            self.pause()
        else:
            self.play()

    def play(self, *, steps: int | None = None, until_epoch: bool = False) -> bool:
        """Train in the worker thread: on, ``steps`` steps, or to the end of the epoch."""
        session = self._ensure_session()
        if session is None:
            return False
        session.set_pace(self.setup.pace)
        session.stop_when = self.setup.stop
        session.run(steps=steps, until_epoch=until_epoch)
        self.live.start(paced=self.setup.pace is not None or steps is not None)
        self.maps.defer(True)
        self.document.defer_trace(True)  # the example's trace follows at a few per second
        self._update_buttons()
        return True

    def pause(self) -> None:
        if self.session is not None:
            self.session.pause()
            stuck = self.session.settle()  # a step that does not end is stuck in plugin code: say so
            if stuck:
                self._on_failure(stuck)
                return
        self.live.tick(final=True)
        self._commit()
        self._update_buttons()

    def stop(self) -> None:
        """Stop at once; the next Play starts a fresh optimizer from the current weights."""
        if self.session is None:
            return
        self.session.stop()
        stuck = self.session.settle()
        if stuck:
            self._on_failure(stuck)
            return
        self.live.tick(final=True)
        self.live.stop()
        self._commit()
        self.session = None
        self.live.follow(None, self.network)
        self._update_buttons()

    def step_batch(self) -> None:
        """Exactly one optimizer step (in the worker thread; the pictures follow at once)."""
        if not self.is_training:
            self.play(steps=1)

    def step_epoch(self) -> None:
        if not self.is_training:
            self.play(until_epoch=True)

    def reset(self) -> None:
        """Fresh weights from the init seed (one undoable command); the plots start over."""
        self.stop()
        before = parameters_of(self.network)
        self.network.reinitialize(self.form.init_seed.value())
        self.document.undo_stack.push(
            ParametersCommand(self.network, before, parameters_of(self.network), "Reset weights"))
        self.history.clear()
        self.plots.update_from(self.history)
        self.controls.show_counter(0, 0)
        self.weights_applied.emit()
        self._show_status(f"Weights re-initialised from seed {self.form.init_seed.value()}")

    def keep_run(self) -> None:
        """Freeze the current curves as ghost lines, to compare with the next run."""
        run = self.runs.add(self.history, self.network, self.setup)
        if run is None:
            self._show_status("Train first: there is no run to keep yet")
        else:
            self._show_status(f"Kept “{run.label}”: change the network or the setup, press Reset and train "
                              "again to compare")

    def train_here(self, epochs: int) -> None:
        """Train ``epochs`` epochs in the calling thread and draw the result (screenshots)."""
        session = self._ensure_session()
        if session is not None:
            session.run_epochs_here(epochs)
            self.live.tick(final=True)
            self._commit()
            self._show_progress()

    def shutdown(self) -> None:
        """Stop training and the timer (the window is closing); never waits for the worker."""
        self.live.stop()
        self.maps.shutdown()
        if self.session is not None:
            self.session.stop()
            self.session = None

    # -- sessions ----------------------------------------------------------------------
    def _ensure_session(self) -> TrainingSession | None:
        session = self.session
        if session is not None and not session.finished and session.continues_from(self.network):
            return session
        if session is not None:  # over, or the weights were edited since: start from the network's
            session.stop()
            self.session = None
        try:
            if self.data is None:
                self._make_data(raise_errors=True)
            assert self.data is not None
            _, train, test = self.data
            session = TrainingSession(self.network, train, self.state.registry, self.setup.config(),
                                      test if len(test) else None, stop=self.setup.stop,
                                      epochs_before=self.history.last_epoch, host=self.state.host)
        except PLUGIN_ERRORS as exc:  # bad data or settings, or a plugin that raises: say so
            self._show_error_text(str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}")
            return None
        self.session = session
        self.live.follow(session, self.network)
        self.live.patience = self.state.host.call_limit  # how long a step may stay in plugin code
        self.undo.begin(self.network)
        self.history.new_session(math.ceil(len(train) / self.setup.batch_size))
        self.last_error = None
        return session

    def _discard_session(self) -> bool:
        """End the run without applying or committing its last weights (the model changed
        under it); returns whether it was training."""
        if self.session is None:
            return False
        was_training = self.is_training
        self.session.stop()
        self.live.stop()
        self.history.absorb_all([r for r in self.session.drain() if not isinstance(r, Halt)])
        self.session = None
        self.live.follow(None, self.network)
        self._update_buttons()
        return was_training

    def _commit(self) -> None:
        self.undo.commit(self.network, self.document.undo_stack, f"Train (epoch {self.history.last_epoch})")

    # -- the setup ------------------------------------------------------------------------
    def _on_form_edited(self) -> None:
        old = self.setup
        try:
            new = self.form.setup(old)
        except SetupError as exc:
            self._show_error_text(str(exc))
            return
        self._set_setup(new)
        data_changed = any(getattr(old, key) != getattr(new, key) for key in DATA_KEYS)
        run_changed = any(getattr(old, key) != getattr(new, key) for key in RUN_KEYS)
        if data_changed or run_changed:
            self._restart(rebuild_data=data_changed)
        warning = lr_warning(new.hyperparameters.get("lr"))
        if warning:
            self._show_warning(warning)
        elif lr_warning(old.hyperparameters.get("lr")):
            self._show_progress()  # the warning no longer holds

    def _on_pace(self, pace: float | None) -> None:
        self._set_setup(self.setup.with_changes(pace=pace))
        if self.session is not None:
            self.session.set_pace(pace)
            if self.is_training:
                self.live.start(paced=pace is not None)

    def _on_stop_when(self, stop) -> None:
        try:
            self._set_setup(self.setup.with_changes(stop=stop))
        except SetupError as exc:
            self._show_error_text(str(exc))
            return
        if self.session is not None:
            self.session.stop_when = stop

    def _restart(self, rebuild_data: bool) -> None:
        """Settings changed: finish the current session and carry on with the new settings."""
        was_training = self.is_training
        self.stop()
        if rebuild_data:
            self.history.clear()
            self.plots.update_from(self.history)
            self.controls.show_counter(0, 0)
            if not self._make_data():
                return
        if was_training:
            self.play()

    def _make_data(self, raise_errors: bool = False) -> bool:
        """Make the setup's dataset and show it; a problem is said in the status line."""
        self.data = None
        try:
            full, train, test = self._generate()
            full.check_inputs(self.network.input_width, self.network.features)
            full.targets(self.network.sizes[-1])
        except PLUGIN_ERRORS as exc:
            message = str(exc) if isinstance(exc, (DatasetError, ValueError)) else f"{type(exc).__name__}: {exc}"
            self.maps.set_dataset(None, None, "No data to show:\nsee the training panel")
            self._show_error_text(message)
            if raise_errors:
                raise
            return False
        self.data = full, train, test
        self.maps.set_dataset(full, test)
        self._show_status(f"Ready: press Play to train on {full.name if not self.setup.is_csv else self.setup.dataset}"
                          f" ({len(train)} training and {len(test)} test samples)")
        return True

    def _generate(self) -> tuple[Dataset, Dataset, Dataset]:
        """The setup's data: a dataset plugin's code runs with a time limit (one that hangs is flagged)."""
        setup, folder = self.setup, self.document.path.parent if self.document.path else None
        spec = None if setup.is_csv else self.state.registry.datasets.get(setup.dataset)
        if spec is None:
            return make_data(setup, self.state.registry, folder)
        try:
            return guard.call_with_time_limit(make_data, setup, self.state.registry, folder, suspects=[spec],
                                              limit=self.state.host.call_limit, what=f"generating {setup.dataset}")
        except guard.PluginHang as exc:
            self.state.host.flag(spec, exc.problem)
            raise DatasetError(str(exc)) from None

    def _fit_dataset_to_network(self, *, as_saved: bool = False) -> None:
        """Pick a dataset that fits the network if the setup's does not."""
        registry = self.state.registry
        n_in, n_out = self.network.input_width, self.network.sizes[-1]  # raw inputs x (h_0 = φ(x))
        name = self.setup.dataset
        if self.setup.is_csv or (name in registry.datasets and self.form.fits(name, n_in, n_out)):
            return
        for candidate in registry.usable("datasets"):
            if self.form.fits(candidate, n_in, n_out):
                self._set_setup(self.setup.with_changes(dataset=candidate, samples=None, noise=None),
                                as_saved=as_saved)
                self.form.show_setup(self.setup)
                return

    # -- model events ------------------------------------------------------------------
    def _on_structure_changed(self) -> None:
        if self._discard_session():
            self._show_status("Training stopped: the network's structure changed")
        self.history.clear()
        self.plots.update_from(self.history)
        self.controls.show_counter(0, 0)
        self._fit_dataset_to_network()
        self._make_data()

    def _on_weights_edited(self) -> None:
        """A weight typed in, undo or redo while training: go on from the network's weights."""
        if self._discard_session():
            self.play()

    # -- what the session reports ------------------------------------------------------------
    def _on_halt(self, halt: Halt) -> None:
        if halt.reason in ("diverged", "failed"):
            message = halt.message or "training stopped"
            if halt.error is not None and self.session is not None:  # name the plugin (flag one that lies)
                message = f"training stopped: {self.state.host.explain_failure(halt.error, self.session.suspects)}"
            self._on_failure(message)
            return
        self._commit()
        if halt.reason == "stopped" and self.session is not None and self.session.finished:
            self.session = None
            self.live.follow(None, self.network)
        self._update_buttons()
        if halt.message:
            warning = loss_warning(self.history.train_loss.values)
            # why it paused, then what it reached (every number labelled, as while training)
            text = f"Paused {halt.message}. " + (f"{warning[:1].upper()}{warning[1:]}" if warning
                                                  else progress_line(self.history, self.setup.penalty))
            (self._show_warning if warning else self._show_status)(text)
            self.status_message.emit(f"Training paused: {halt.message}")

    def _on_failure(self, message: str) -> None:
        if self.session is not None:
            self.session.stop()
        self.live.stop()
        self._commit()
        self.session = None
        self.live.follow(None, self.network)
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
        self.controls.show_counter(h.last_epoch, h.last_step)
        warning = loss_warning(h.train_loss.values) if h.n_epochs else None
        if warning:
            if not self.status.text().endswith(warning[1:]):  # said once in the window's status bar too
                self.status_message.emit(warning[:1].upper() + warning[1:])
            self._show_warning(f"Epoch {h.last_epoch:,}: {warning}")
        else:
            self._show_status(progress_line(h, self.setup.penalty))

    # -- the status line ------------------------------------------------------------------
    def _show_status(self, text: str) -> None:
        self.status.setStyleSheet("")
        plain_text.set_plain(self.status, text)

    def _show_warning(self, text: str) -> None:
        self.status.setStyleSheet("color: #a15c00;")
        plain_text.set_plain(self.status, text[:1].upper() + text[1:])

    def _show_error_text(self, text: str) -> None:
        self.status.setStyleSheet("color: #b00020;")
        plain_text.set_plain(self.status, text[:1].upper() + text[1:])

    def _update_buttons(self) -> None:
        training = self.is_training
        self.controls.show_state(training=training, has_session=self.session is not None)
        if not training:
            self.maps.defer(False)  # nothing to wait for: maps are drawn as they come
            self.document.defer_trace(False)
