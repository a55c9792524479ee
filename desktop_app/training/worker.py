"""One training run in a worker thread; the GUI thread only reads what it queues.

The worker thread advances ``Trainer.iter_steps()`` (built with ``sync_network=False``,
so it never touches the shared Network) and appends every report to ``pending``, the one
channel from the worker to the window: StepReports, EpochReports and, when the worker
stops or pauses by itself, a :class:`Halt` saying why. The GUI thread drains it on a timer.

The Trainer waits at the session's :class:`~core.training.gate.Gate` before every step:
Play and Pause open and close it, Step batch lets one step through, the pace spaces the
steps out, Stop ends the run. Both threads need the GIL, so the gate is also held
whenever the GUI thread works (``yield_to_gui``, and for the whole of a timer tick: see
``pacing``). Training thus gets the time the window leaves idle.

At a pace of a few steps per second (or a step at a time) every step is reported, so each
batch shows on the plots and the canvas; as fast as possible, the trainer reports a step
every LIVE_REPORT_SECONDS and at the end of each epoch (the plots get plenty of points,
and a small network's step does not pay for its loss twice).

The thread is a daemon: Stop and Quit never wait for it. A step stuck in plugin code is
given up on (``abandon``: the plugin is flagged and named, and the thread is asked to
stop), found either when Pause or Stop does not see the thread leave its step within
PATIENCE_S, or by the redraw timer's ``watch`` after the host's time limit.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QAbstractEventDispatcher, QThread

from core.engine.network import Network
from core.plugin_host import guard
from core.plugin_host.registry import Registry
from core.training.data import Dataset
from core.training.gate import Gate
from core.training.setup import StopWhen
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
PATIENCE_S = 0.5  # how long Pause and Stop wait for the step in progress before looking into it


@dataclass
class Halt:
    """The worker paused or ended by itself.

    ``reason``: "paused" (a step budget spent, an epoch done, a stop condition met: then
    ``message`` says which), "stopped" (Stop), "diverged" (NaN or inf: ``message`` names
    the layer, ``layer`` is its number) or "failed" (plugin code raised ``error``, or hung:
    ``message``).
    """

    reason: str
    message: str | None = None
    layer: int | None = None
    error: BaseException | None = None


Report = StepReport | EpochReport | Halt


class TrainingSession:
    """One training run: a Trainer behind a Gate, and the thread advancing it.

    Parameters
    ----------
    network, train, registry, config, test
        As for :class:`~core.training.trainer.Trainer`.
    stop : StopWhen
        Conditions that pause training after an epoch.
    epochs_before : int
        Epochs trained in earlier sessions (the stop condition's epoch limit counts them).
    host : PluginHost, optional
        Names and flags the plugin behind a failure or a hang.
    """

    def __init__(self, network: Network, train: Dataset, registry: Registry, config: TrainConfig,
                 test: Dataset | None = None, *, stop: StopWhen | None = None, epochs_before: int = 0,
                 host=None) -> None:
        self.host = host
        self.suspects = host.in_use(network.activations, network.loss, config.optimizer,
                                    features=network.features or (), regularizer=config.regularization) if host else []
        self.gate = Gate()
        self.trainer = Trainer(network, train, registry, config, test, sync_network=False, step_history=0,
                               report_every=None, report_seconds=LIVE_REPORT_SECONDS, gate=self.gate)
        self._pace: float | None = None
        self.pending: deque[Report] = deque()
        self.stop_when = stop or StopWhen()
        self.epochs_before = epochs_before
        self.finished = False  # the run is over (stopped, diverged, failed)
        self._until_epoch = False
        self._thread: threading.Thread | None = None
        self._dispatcher = None
        self._gc = TrainingPace()
        self.shown = self.trainer.snapshot()  # the weights last handed to the window
        self._progress = (0, time.perf_counter())  # (step count, when it last changed): for ``watch``
        self.abandoned = False

    # -- control (GUI thread) -----------------------------------------------------------
    @property
    def running(self) -> bool:
        """Training goes on now (not paused, not over)."""
        return not (self.finished or self.gate.paused)

    def run(self, *, steps: int | None = None, until_epoch: bool = False) -> None:
        """Train in the worker thread: on and on, ``steps`` steps, or to the end of the epoch."""
        if self.finished:
            return
        self._until_epoch = until_epoch
        self._report_every_step(self._pace is not None or steps is not None)
        self._gc.begin()
        self.yield_to_gui()
        self.gate.run(steps)
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="training", daemon=True)
            self._thread.start()

    def pause(self) -> None:
        """Stop before the next step; ``run`` goes on from there with the optimizer's state."""
        self.gate.pause()
        self._wind_down()

    def stop(self) -> None:
        """End the run now (the step in progress, if any, is not waited for)."""
        self.gate.stop()
        self.finished = True
        self._wind_down()

    # -- a step stuck in plugin code ------------------------------------------------------
    def settle(self, patience: float = PATIENCE_S) -> str | None:
        """After Pause or Stop: wait up to ``patience`` for the step in progress; if it is stuck
        in plugin code, give up on it and return the message saying so (else None)."""
        thread = self._thread
        if thread is None or not thread.is_alive() or self.gate.wait_until_resting(patience):
            return None
        culprit = guard.stuck_in(thread.ident, self.suspects) if thread.ident is not None else None
        return None if culprit is None else self.abandon(culprit)

    def watch(self, limit: float) -> str | None:
        """Called now and then while the window waits: a step that has taken more than ``limit``
        seconds in plugin code is given up on; returns the message saying so (else None)."""
        thread, now = self._thread, time.perf_counter()
        count = self.trainer.step_count
        if count != self._progress[0] or thread is None or self.gate.resting or not thread.is_alive():
            self._progress = (count, now)
            return None
        if now - self._progress[1] < limit or thread.ident is None:
            return None
        culprit = guard.stuck_in(thread.ident, self.suspects)
        return None if culprit is None else self.abandon(culprit)

    def abandon(self, culprit) -> str:
        """Stop waiting for a step stuck in ``culprit``'s code: flag it, ask the thread to stop."""
        self.abandoned = self.finished = True
        self.gate.stop()
        self._wind_down()
        thread = self._thread
        if thread is not None and thread.ident is not None:
            guard.give_up_on(thread.ident, alive=thread.is_alive)
        if self.host is not None:  # the flag says what did not return; the message who
            quantity = guard.function_name(culprit) or "it"
            self.host.flag(culprit[0], f"{quantity} did not return during training (it hangs)")
        return f"{guard.describe(culprit)} did not return: training stopped (it hangs)"

    def set_pace(self, steps_per_second: float | None) -> None:
        """At most this many steps per second (None: as fast as possible)."""
        self._pace = steps_per_second
        self.gate.set_rate(steps_per_second)
        self._report_every_step(steps_per_second is not None)

    def _report_every_step(self, on: bool) -> None:
        """Every step reported (a paced run: each batch shows), or every few milliseconds."""
        trainer = self.trainer
        trainer.report_every, trainer.report_seconds = (1, None) if on else (None, LIVE_REPORT_SECONDS)
        trainer.request_report()  # the next step is reported, and the cadence starts afresh from it

    def hold(self) -> None:
        """The worker waits before its next step (the GUI thread works without a GIL convoy)."""
        self.gate.hold()

    def release(self) -> None:
        self.gate.release()

    def yield_to_gui(self) -> None:
        """Train only while the GUI thread's event loop is idle.

        Every Qt call from Python releases the GIL, and a busy worker makes each
        re-acquisition wait (a convoy), so a repaint would take seconds. The event
        dispatcher says when the GUI thread wakes (hold) and when it goes idle (release).
        """
        dispatcher = QAbstractEventDispatcher.instance(QThread.currentThread())
        if dispatcher is None or self._dispatcher is not None:
            return
        self._dispatcher = dispatcher
        dispatcher.awake.connect(self.hold)
        dispatcher.aboutToBlock.connect(self.release)

    def _wind_down(self) -> None:
        """No more gating by the event loop; the process settings restored."""
        self._gc.end()
        if self._dispatcher is not None:
            for signal, slot in ((self._dispatcher.awake, self.hold),
                                 (self._dispatcher.aboutToBlock, self.release)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
            self._dispatcher = None
        self.gate.release()

    # -- the worker thread ---------------------------------------------------------------
    def _work(self) -> None:
        """Step, queue each report, pause at a stop condition; a Halt says how it ended."""
        halt = Halt("stopped")
        try:
            for report in self.trainer.iter_steps(FOREVER):
                self.pending.append(report)
                if isinstance(report, EpochReport):
                    why = self.stop_when.reason(report, self.epochs_before + report.epoch)
                    if why or self._until_epoch:
                        self.gate.pause()
                        self.pending.append(Halt("paused", why))
                        continue
                if self.gate.paused:  # a step budget spent (or Pause pressed)
                    self.pending.append(Halt("paused"))
        except TrainingDiverged as exc:
            halt = Halt("diverged", str(exc), exc.layer)
        except guard.PluginStopped:  # given up on (it hung): the window has said so already
            halt = Halt("stopped")
        except BaseException as exc:  # noqa: BLE001 - a plugin may raise anything, SystemExit too
            halt = Halt("failed", f"training stopped: {type(exc).__name__}: {exc}", error=exc)
        finally:
            self.finished = True
            self.pending.append(halt)

    # -- results (GUI thread) --------------------------------------------------------------
    def drain(self) -> list[Report]:
        """Every report queued since the last call, in order."""
        reports = []
        while self.pending:
            reports.append(self.pending.popleft())
        return reports

    def snapshot(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Copies of the trainer's current weights and biases, remembered as what the window shows."""
        self.shown = self.trainer.snapshot()
        return self.shown

    def continues_from(self, network: Network) -> bool:
        """Whether ``network`` still holds the weights this run last handed out (nobody edited,
        undid or reset them since), so training may go on from the trainer's own state."""
        weights, biases = self.shown
        return ([W.shape for W in weights] == [W.shape for W in network.weights]
                and all(np.array_equal(a, b) for a, b in zip(weights + biases, network.weights + network.biases)))

    def run_epochs_here(self, epochs: int) -> None:
        """Train ``epochs`` whole epochs in the calling thread (screenshots), reports queued."""
        if self.finished or self._thread is not None:
            return
        self.gate.run()
        steps = self.trainer.iter_steps(epochs)
        self.pending.extend(steps)
        self.gate.pause()
