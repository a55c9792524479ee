"""The live plots: loss per epoch (and per step), gradient norms per layer, decision boundary.

Every curve is created once and updated with ``setData`` from the panel's timer. The view
ranges move in steps (``SteadyRange``) rather than following the data on every refresh:
a new range makes pyqtgraph regenerate and re-lay-out the axes, which costs more than
drawing the curves.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from .boundary import BoundaryPlot
from .history import TrainingHistory, thin

# antialiased curves cost ~10x more to paint in the software rasteriser, and so do pens wider
# than 1 px (a stroked path instead of plain lines); the plots redraw at 12 Hz
pg.setConfigOptions(antialias=False, background="w", foreground="#333")

TRAIN_PEN = pg.mkPen("#1f6fb4", width=2)
TEST_PEN = pg.mkPen("#e8731a", width=2, style=pg.QtCore.Qt.PenStyle.DashLine)
STEP_PEN = pg.mkPen((31, 111, 180, 60), width=1)


LAYER_COLOURS = ["#1f6fb4", "#e8731a", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#17becf",
                 "#7f7f7f"]
STEP_POINTS = 400  # per-step curves are bin means: readable, and cheap to redraw
AXIS_WIDTH = 40  # px, fixed: a left axis that resizes to its labels re-lays-out (and repaints) its plot
LEGEND = dict(offset=(-10, 10), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200),
              pen=pg.mkPen("#ccc"))


def steady_limits(shown: tuple[float, float] | None, lo: float, hi: float,
                  room: tuple[float, float] = (0.1, 0.1), fill: float = 0.5) -> tuple[float, float]:
    """Limits showing [lo, hi]: ``shown`` while the data fits in it and fills at least ``fill``
    of it, else [lo, hi] widened by ``room`` (fractions of hi - lo) below and above."""
    if shown is not None:
        a, b = shown
        if a <= lo and hi <= b and hi - lo >= fill * (b - a):
            return shown
    span = hi - lo if hi > lo else max(abs(hi), 1.0) * 0.1
    return lo - room[0] * span, hi + room[1] * span


class SteadyRange:
    """Steers a plot's view to the data in steps (see ``steady_limits``), like auto-range.

    Panning or zooming by hand takes over until the plot's "A" (auto-range) button is
    pressed, as with pyqtgraph's own auto-range.
    """

    X_ROOM = (0.0, 0.25)  # the step axis grows to the right: room to grow into

    def __init__(self, item: pg.PlotItem, y_room: tuple[float, float]) -> None:
        self.view = item.getViewBox()
        self.view.disableAutoRange()
        self.view.sigRangeChangedManually.connect(self._by_hand)
        self.y_room = y_room
        self.steering = True
        self.x: tuple[float, float] | None = None
        self.y: tuple[float, float] | None = None

    def _by_hand(self, *args) -> None:
        self.steering = False

    def follow(self, x: np.ndarray, y: np.ndarray) -> None:
        """Show the finite points of (x, y) (y in view units: log10 on a log axis)."""
        if not self.steering:
            if not any(self.view.autoRangeEnabled()):
                return
            self.steering = True  # "A" pressed: steer again instead of pyqtgraph's auto-range
        self.view.disableAutoRange()
        y = y[np.isfinite(y)]
        if len(x) == 0 or len(y) == 0:
            return
        new_x = steady_limits(self.x, float(x[0]), float(x[-1]), self.X_ROOM)
        new_y = steady_limits(self.y, float(y.min()), float(y.max()), self.y_room)
        if (new_x, new_y) != (self.x, self.y):
            self.x, self.y = new_x, new_y
            self.view.setRange(xRange=new_x, yRange=new_y, padding=0)


class LossPlot(pg.PlotWidget):
    """Train and test loss per epoch, over a faint per-step loss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Loss", size="10pt")
        item.setLabel("bottom", "epoch")
        item.setClipToView(True)
        item.getAxis("left").setWidth(AXIS_WIDTH)
        item.addLegend(**LEGEND)
        self.setMinimumSize(170, 150)
        self.step_curve = item.plot(pen=STEP_PEN, name="batch")
        self.train_curve = item.plot(pen=TRAIN_PEN, name="train")
        self.test_curve = item.plot(pen=TEST_PEN, name="test")
        self.steady = SteadyRange(item, y_room=(0.25, 0.1))  # the loss falls: room below

    def update_from(self, history: TrainingHistory) -> None:
        steps, step_loss = thin(history.step.values, history.step_loss.values, STEP_POINTS)
        self.step_curve.setData(steps, step_loss)
        epochs, train = thin(history.epoch.values, history.train_loss.values)
        self.train_curve.setData(epochs, train)
        epochs, test = thin(history.epoch.values, history.test_loss.values)
        if np.all(np.isnan(test)):
            self.test_curve.setData([], [])
        else:
            self.test_curve.setData(epochs, test)
        if len(steps):
            self.steady.follow(steps, np.concatenate([step_loss, train, test]))


class GradientPlot(pg.PlotWidget):
    """‖∇W_k‖ per optimizer step, one curve per layer (log scale)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Gradient norms ‖∇W<sub>k</sub>‖", size="10pt")
        item.setLabel("bottom", "epoch")
        item.setLogMode(y=True)
        item.setClipToView(True)
        item.getAxis("left").setWidth(AXIS_WIDTH)
        self.legend = item.addLegend(**LEGEND)
        self.legend.hide()
        self.setMinimumSize(170, 150)
        self.curves: list[pg.PlotDataItem] = []
        self.steady = SteadyRange(item, y_room=(0.3, 0.3))  # in decades

    def _ensure_curves(self, n_layers: int) -> None:
        if len(self.curves) == n_layers:
            return
        for curve in self.curves:
            self.getPlotItem().removeItem(curve)
            self.legend.removeItem(curve)
        self.curves = [
            self.getPlotItem().plot(pen=pg.mkPen(LAYER_COLOURS[k % len(LAYER_COLOURS)], width=1), name=f"W{k + 1}")
            for k in range(n_layers)]
        self.legend.setVisible(bool(self.curves))

    def update_from(self, history: TrainingHistory) -> None:
        norms = history.grad_norms
        if norms is None or norms.size == 0:
            for curve in self.curves:
                curve.setData([], [])
            return
        self._ensure_curves(norms.columns)
        x, y = thin(history.step.values, norms.values, STEP_POINTS)
        y = np.maximum(y, 1e-12)  # the log axis cannot show 0
        for k, curve in enumerate(self.curves):
            curve.setData(x, y[:, k])
        self.steady.follow(x, np.log10(y).ravel())


class TrainingPlots(QWidget):
    """The three live plots side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss = LossPlot()
        self.gradients = GradientPlot()
        self.boundary = BoundaryPlot()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        layout.addWidget(self.loss, 3)
        layout.addWidget(self.gradients, 3)
        layout.addWidget(self.boundary, 3)

    def update_from(self, history: TrainingHistory) -> None:
        self.loss.update_from(history)
        self.gradients.update_from(history)
