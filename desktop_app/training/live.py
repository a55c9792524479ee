"""The redraw timer: what a running session reports reaches the history, the plots and the canvas.

The GUI thread never waits for training: a QTimer drains the session's reports into the
history, redraws the plots and hands the newest weights to the Network (the canvas and
the maps follow the Network's own event). A run at a pace of a few steps per second gets
a full picture for every step; a fast run a picture every other tick. Each tick holds
the worker while it draws and paints (see ``pacing``), so drawing never competes with
training for the GIL.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from core.engine.network import Network, NetworkError

from .history import TrainingHistory
from .pacing import PaintNow
from .plots import TrainingPlots
from .worker import Halt, TrainingSession

FAST_HZ = 12  # refreshes per second of a run as fast as possible
PACED_HZ = 25  # of a paced run (few steps per tick: cheap, and every step shows)
WEIGHTS_EVERY = 2  # ticks of a fast run: the canvas repaints on every weight change and costs most


class LiveView(QObject):
    """Drains a :class:`TrainingSession` on a timer and draws what it reports.

    Signals
    -------
    weights_applied()
        The network received weights from training.
    halted(object)
        A :class:`Halt` came through the session's channel (the run paused or ended by itself).
    weights_edited()
        The network no longer holds what training gave it (a weight typed in, undo, Reset):
        the run must start again from the network's weights.
    drawing()
        The tick draws now (the worker is held): others may draw what waited for it.
    progressed()
        New reports were absorbed into the history.
    """

    weights_applied = Signal()
    halted = Signal(object)
    weights_edited = Signal()
    progressed = Signal()
    drawing = Signal()

    def __init__(self, history: TrainingHistory, plots: TrainingPlots, window: QWidget,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history, self.plots, self.window = history, plots, window
        self.network: Network | None = None
        self.session: TrainingSession | None = None
        self.timer = QTimer(self, interval=1000 // FAST_HZ)
        self.timer.timeout.connect(self.tick)
        self._ticks = 0
        self._paced = False
        self.patience = 5.0  # seconds a step may take in plugin code (the panel sets the host's limit)
        self._paint_now: PaintNow | None = None

    def follow(self, session: TrainingSession | None, network: Network) -> None:
        """Draw what ``session`` (training ``network``) reports."""
        self.session, self.network = session, network

    def start(self, paced: bool) -> None:
        self._paced = paced
        self.timer.setInterval(1000 // (PACED_HZ if paced else FAST_HZ))
        self._paint_now = None  # look the window's views up afresh
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self, final: bool = False) -> None:
        """Drain reports, redraw, apply the newest weights (``final``: everything, now)."""
        session = self.session
        if session is None:
            self.timer.stop()
            return
        stuck = session.watch(self.patience)  # a step that never ends: plugin code that hangs
        if stuck:
            self.timer.stop()
            self.halted.emit(Halt("failed", stuck))
            return
        session.hold()  # the worker waits while the GUI thread redraws and paints
        try:
            halts = self._redraw(session, final)
            self.drawing.emit()
            if self._paint_now is None:
                self._paint_now = PaintNow(self.window)
            self._paint_now()
        finally:
            session.release()
        if not session.running and not session.pending and session.gate.resting:
            self.timer.stop()  # (a step still in progress is watched until it ends)
        for halt in halts:
            self.halted.emit(halt)

    def _redraw(self, session: TrainingSession, final: bool) -> list[Halt]:
        reports = session.drain()
        halts = [r for r in reports if isinstance(r, Halt)]
        steps = [r for r in reports if not isinstance(r, Halt)]
        self.history.absorb_all(steps)
        if not (steps or halts or final):
            return halts
        self._ticks += 1
        last = final or bool(halts) or not session.running  # the last picture of a run: draw everything
        if last or self._paced or self._ticks % WEIGHTS_EVERY == 0:
            self.apply_snapshot(session)
        if last or self.plots.isVisible():  # a closed plots dock catches up when shown again
            self.plots.update_from(self.history)
        if steps:
            self.progressed.emit()
        return halts

    def apply_snapshot(self, session: TrainingSession) -> None:
        """Give the network the trainer's weights, unless someone changed them meanwhile."""
        network = self.network
        if network is None:
            return
        if not session.continues_from(network):
            self.weights_edited.emit()
            return
        weights, biases = session.snapshot()
        if not all(np.all(np.isfinite(p)) for p in weights + biases):
            return
        try:
            network.set_parameters(weights, biases)
        except NetworkError:
            return
        self.weights_applied.emit()
