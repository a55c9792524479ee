"""A Trainer run in a superqt generator worker; the GUI thread only reads copies.

The worker thread advances ``Trainer.iter_steps()`` (built with ``sync_network=False``,
so it never touches the shared Network) and appends every report to a deque. The GUI
thread drains that deque and applies ``trainer.snapshot()`` on a timer. Pause keeps the
generator suspended so Play resumes it; Stop ends it.

Both threads need the GIL, so the worker steps aside whenever the GUI thread works: the
trainer checks its pause gate before each step, which the GUI thread closes (``hold``)
while its event loop handles something (``yield_to_gui``) and for the whole of a timer
tick, painting included (see ``pacing``). Training thus gets the time the window leaves
idle, and the window never waits for a step longer than the GIL's switch interval.

The trainer reports a step (batch loss, ‖∇W_k‖) every LIVE_REPORT_SECONDS and at the end
of each epoch, not after every step: the plots get plenty of points, and a small
network's step does not pay for its loss twice.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator

from PySide6.QtCore import QAbstractEventDispatcher, QObject, QThread, Signal
from superqt.utils import GeneratorWorker

from core.engine.network import Network
from core.plugin_host import guard
from core.plugin_host.registry import Registry
from core.training.data import Dataset
from core.training.trainer import (
    LIVE_REPORT_SECONDS,
    EpochReport,
    StepReport,
    TrainConfig,
    Trainer,
    TrainingDiverged,
)

from .pacing import TrainingPace

FOREVER = 10**9
YIELD_EVERY_S = 0.05  # how often the worker hands control to superqt (pause/quit checks)
PATIENCE_S = 0.5  # how long Pause and Stop wait for the current step before giving up on it


class TrainingSession(QObject):
    """One training run: a Trainer, its step generator and the worker advancing it.

    Signals
    -------
    diverged(str, object)
        NaN or inf: the message naming the layer, and the layer number (or None).
    halted(str)
        The worker stopped: "paused", "epoch" (Step one epoch done), "stopped" or "completed".
    """

    diverged = Signal(str, object)
    halted = Signal(str)

    def __init__(self, network: Network, train: Dataset, registry: Registry, config: TrainConfig,
                 test: Dataset | None = None, parent: QObject | None = None, *, host=None) -> None:
        super().__init__(parent)
        # the plugin host names and flags the plugin behind a failure (optional: tests, screenshots)
        self.host = host
        self.suspects = host.in_use(network.activations, network.loss, config.optimizer) if host else []
        # step reports (batch loss, ‖∇W_k‖) every few ms and at each epoch's end: what the plots draw
        self.trainer = Trainer(network, train, registry, config, test, sync_network=False, step_history=0,
                               report_every=None, report_seconds=LIVE_REPORT_SECONDS)
        self.steps: Iterator = self.trainer.iter_steps(FOREVER)
        self.pending: deque[StepReport | EpochReport] = deque()
        self.worker: GeneratorWorker | None = None
        self.finished = False  # the generator is exhausted (stopped, completed or diverged)
        self._halt = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._dispatcher = None
        self._pace = TrainingPace()
        self._reason = "paused"
        self.error: BaseException | None = None
        self._worker_thread: int | None = None  # threading.get_ident() of the worker
        self._abandoned = False  # the worker was stuck in plugin code and given up on

    # -- state ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return not self._idle.is_set() and not self._abandoned

    # -- the worker ----------------------------------------------------------------
    def start(self, *, until_epoch: bool = False) -> None:
        """Train in the worker thread until paused, stopped or (optionally) the epoch ends."""
        if self.running or self.finished:
            return
        self._halt.clear()
        self._idle.clear()
        self._pace.begin()
        self.yield_to_gui()
        self.worker = GeneratorWorker(self._advance, until_epoch)
        self.worker.errored.connect(self._on_error)
        self.worker.finished.connect(self._on_finished)
        self.worker.start()

    def _advance(self, until_epoch: bool):
        """The worker's generator: step, queue the report, yield now and then."""
        self._reason = "paused"
        self._worker_thread = threading.get_ident()
        try:
            last = time.perf_counter()
            while not self._halt.is_set():
                report = next(self.steps, None)
                if report is None:
                    self.finished = True
                    self._reason = "stopped" if self.trainer.stopped else "completed"
                    return
                self.pending.append(report)
                if until_epoch and isinstance(report, EpochReport):
                    self._reason = "epoch"
                    return
                now = time.perf_counter()
                if now - last > YIELD_EVERY_S:
                    last = now
                    yield None
        except guard.PluginStopped:  # given up on (it hung): already reported by _abandon
            self.finished = True
            self._reason = "stopped"
        except BaseException as exc:  # a plugin may raise anything, SystemExit included: report it
            self.finished = True
            self.error = exc
            self._reason = "diverged"
        finally:
            self._idle.set()

    def step_once(self) -> StepReport | None:
        """Advance exactly one optimizer step in the calling (GUI) thread."""
        if self.running or self.finished:
            return None
        self.trainer.request_report()  # this very step is reported
        try:
            while True:  # plugin code: with a time limit, so a plugin that hangs cannot freeze the window
                report = guard.call_with_time_limit(next, self.steps, None, suspects=self.suspects,
                                                    limit=self.host.call_limit if self.host else None,
                                                    what="one training step")
                if report is None:
                    self.finished = True
                    return None
                self.pending.append(report)
                if isinstance(report, StepReport):
                    return report
        except TrainingDiverged as exc:
            self.finished = True
            self.diverged.emit(str(exc), exc.layer)
            return None
        except (Exception, SystemExit, GeneratorExit) as exc:  # a plugin that raises, lies or hangs
            self.finished = True
            self._on_error(exc)
            return None

    def run_epochs_here(self, epochs: int) -> None:
        """Train ``epochs`` whole epochs synchronously in the calling thread (screenshots)."""
        if self.running or self.finished:
            return
        done = 0
        while done < epochs:
            report = next(self.steps, None)
            if report is None:
                self.finished = True
                return
            self.pending.append(report)
            done += isinstance(report, EpochReport)

    def hold(self) -> None:
        """Let the worker wait before its next step (the GUI thread works without a GIL convoy)."""
        self.trainer.pause()  # the trainer waits between any two steps

    def release(self) -> None:
        self.trainer.resume()

    def yield_to_gui(self) -> None:
        """Train only while the GUI thread's event loop is idle.

        Every Qt call from Python releases the GIL, and a busy worker makes each
        re-acquisition wait (a convoy), so a repaint would take seconds. The event
        dispatcher says when the GUI thread wakes (hold) and when it goes idle (release);
        the worker then never competes with the GUI thread for the GIL.
        """
        dispatcher = QAbstractEventDispatcher.instance(QThread.currentThread())
        if dispatcher is None or self._dispatcher is not None:
            return
        self._dispatcher = dispatcher
        dispatcher.awake.connect(self.hold)
        dispatcher.aboutToBlock.connect(self.release)

    @property
    def yielding(self) -> bool:
        """Whether the event loop's idle signals gate the worker (see ``yield_to_gui``)."""
        return self._dispatcher is not None

    def _wind_down(self) -> None:
        """The worker stops: no more gating by the event loop, the process settings restored."""
        self._pace.end()
        if self._dispatcher is not None:
            for signal, slot in ((self._dispatcher.awake, self.hold),
                                 (self._dispatcher.aboutToBlock, self.release)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
            self._dispatcher = None
        self.release()

    def pause(self, timeout: float = PATIENCE_S) -> None:
        """Stop the worker after its current step; the generator stays resumable.

        A step that does not end within ``timeout`` is stuck in plugin code: the session
        is abandoned (see :meth:`_abandon`) instead of freezing the window.
        """
        self._halt.set()
        self._wind_down()
        self._wait_for_step(timeout)

    def stop(self, timeout: float = PATIENCE_S) -> None:
        """End training now: the trainer stops between steps and the worker quits."""
        self.trainer.stop()
        self._halt.set()
        self._wind_down()
        if self.worker is not None:
            self.worker.quit()
        self._wait_for_step(timeout)
        self.finished = True

    def _wait_for_step(self, timeout: float) -> None:
        """Wait for the current step; give up on it when it is stuck in plugin code."""
        if self._idle.wait(timeout) or self._worker_thread is None:
            return
        if guard.stuck_in(self._worker_thread, self.suspects) is None:  # our own (long) computation
            self._idle.wait(self.host.call_limit if self.host is not None else guard.CALL_TIME_LIMIT)
        if not self._idle.is_set():
            self._abandon()

    def _abandon(self) -> None:
        """The worker is stuck in plugin code: flag that plugin, stop waiting for it, say so."""
        if self._abandoned or self._worker_thread is None:
            return
        self._abandoned = True
        self.finished = True
        ident = self._worker_thread
        culprit = guard.stuck_in(ident, self.suspects)
        guard.give_up_on(ident, alive=lambda: not self._idle.is_set())
        if culprit is not None:
            message = f"{guard.describe(culprit)} did not return: training stopped (it hangs)"
            if self.host is not None:
                quantity = guard.FUNCTION_NAMES.get(culprit[1], culprit[1]) or "it"
                self.host.flag(culprit[0], f"{quantity} did not return during training (it hangs)")
        else:
            message = "a training step did not return (plugin code that hangs): training stopped"
        self.diverged.emit(message, None)

    # -- results in the GUI thread ----------------------------------------------------
    def drain(self) -> list[StepReport | EpochReport]:
        """Every report queued since the last call."""
        reports = []
        while self.pending:
            reports.append(self.pending.popleft())
        return reports

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, TrainingDiverged):
            self.diverged.emit(str(exc), exc.layer)
        elif self.host is not None:  # names the plugin (and flags one that hangs or lies)
            self.diverged.emit(f"training stopped: {self.host.explain_failure(exc, self.suspects)}", None)
        else:
            self.diverged.emit(f"training stopped: {type(exc).__name__}: {exc}", None)

    def _on_finished(self) -> None:
        self.worker = None
        self._wind_down()
        if self._abandoned:  # reported when it was given up on
            return
        if self.error is not None:
            self._on_error(self.error)
        else:
            self.halted.emit(self._reason)
