"""The live plots: loss per epoch (and per step), gradient norms per layer, decision boundary.

Every curve is created once and updated with ``setData`` from the panel's timer. The view
ranges move in steps (``SteadyRange``) rather than following the data on every refresh:
a new range makes pyqtgraph regenerate and re-lay-out the axes, which costs more than
drawing the curves. Kept runs are drawn as ghost lines behind the live ones; legends sit
under the plots, where they cover no curve.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from .boundary import BoundaryPane
from .history import TrainingHistory, thin
from .runs import KeptRun

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
LEGEND_ROWS = 4  # a legend taller than this takes more columns (and elides long labels)
MIN_ENTRY = 90  # px: the narrowest a legend entry is made (line sample, spacing, ~6 characters)
LEGEND = dict(labelTextSize="8pt", colCount=4, horSpacing=10, verSpacing=-4)


def legend_below(item: pg.PlotItem) -> pg.LegendItem:
    """A legend in a row of its own under the plot's bottom axis: it never covers a curve."""
    legend = pg.LegendItem(**LEGEND)
    item.layout.addItem(legend, 4, 1)
    item.legend = legend  # curves added with name=… register themselves
    return legend


def ghost_pen(colour: str) -> pg.QtGui.QPen:
    return pg.mkPen(colour, width=1, style=pg.QtCore.Qt.PenStyle.DashLine)


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

    def reset(self) -> None:
        """Forget the limits shown (the data starts over)."""
        self.x = self.y = None
        self.steering = True

    def follow(self, x: np.ndarray, y: np.ndarray, floor: float | None = None) -> None:
        """Show the finite points of (x, y) (y in view units: log10 on a log axis), never below ``floor``."""
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
        if floor is not None and new_y[0] < floor:
            new_y = (floor, max(new_y[1], floor + 1e-9))
        if (new_x, new_y) != (self.x, self.y):
            self.x, self.y = new_x, new_y
            self.view.setRange(xRange=new_x, yRange=new_y, padding=0)


class LegendPlot(pg.PlotWidget):
    """A plot whose legend under it wraps into as many columns as its width holds, so a
    narrow plot (a small window, several kept runs) is never wider than its view and
    clipped on the right."""

    legend: pg.LegendItem
    ghosts: list[pg.PlotDataItem]

    def fit_legend(self, width: int | None = None) -> None:
        """Lay the legend's entries out in the columns that fit the plot's ``width``, in at
        most ``LEGEND_ROWS`` rows while an entry keeps ``MIN_ENTRY`` pixels: long labels (kept
        runs) are elided to fit (the runs list has them whole), so the legend never makes
        the plot wider than its view, nor a tall column that squeezes the curves."""
        legend = getattr(self, "legend", None)  # (a resize comes before __init__ makes it)
        items = legend.items if legend is not None else []
        if not items:
            return
        room = (self.width() if width is None else width) - AXIS_WIDTH - 8  # 8: the layout's margins
        spacing = 2 * LEGEND["horSpacing"]
        metrics = QFontMetricsF(items[0][1].item.font())
        full = [label.__dict__.setdefault("full_text", label.text) for _, label in items]
        widest = max(sample.boundingRect().width() + metrics.horizontalAdvance(text) + spacing
                     for (sample, _), text in zip(items, full))
        columns = max(1, min(len(items), int(room // max(widest, 1.0))))
        if math.ceil(len(items) / columns) > LEGEND_ROWS:  # too tall: more columns, labels elided
            columns = max(columns, min(len(items), math.ceil(len(items) / LEGEND_ROWS), int(room // MIN_ENTRY)))
        changed = False
        for (sample, label), text in zip(items, full):
            fits = metrics.elidedText(text, Qt.TextElideMode.ElideRight,  # 12: the legend's own margins
                                      (room - 12) / columns - sample.boundingRect().width() - spacing)
            if fits != label.text:
                label.setText(fits)
                changed = True
        if columns != legend.columnCount or changed:
            legend.columnCount = 0  # lay the entries out again, even in as many columns as before
            legend.setColumnCount(columns)
            if self.centralWidget is not None:  # the plot may now be as narrow as the view
                self.centralWidget.setGeometry(self.range)

    def clear_ghosts(self) -> None:
        """Take the kept runs' lines (and their legend entries) off the plot."""
        for curve in self.ghosts:
            self.getPlotItem().removeItem(curve)
            self.legend.removeItem(curve)
        self.ghosts = []

    def resizeEvent(self, event) -> None:
        self.fit_legend(None if event is None else event.size().width())  # first: then laid out to it
        super().resizeEvent(event)


class LossPlot(LegendPlot):
    """Train and test loss per epoch, over a faint per-step loss; y ≥ 0, or a log scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Loss", size="10pt")
        item.setLabel("bottom", "epoch")
        item.setClipToView(True)
        item.getAxis("left").setWidth(AXIS_WIDTH)
        item.setLimits(yMin=0)  # a loss is never negative: no panning below 0 either
        self.legend = legend_below(item)
        self.setMinimumSize(170, 150)
        self.step_curve = item.plot(pen=STEP_PEN, name="batch")
        self.train_curve = item.plot(pen=TRAIN_PEN, name="train")
        self.test_curve = item.plot(pen=TEST_PEN, name="test")
        self.ghosts: list[pg.PlotDataItem] = []
        self.log = False
        self.steady = SteadyRange(item, y_room=(0.25, 0.1))  # the loss falls: room below
        self._history: TrainingHistory | None = None

    def set_log(self, on: bool) -> None:
        """A log10 y axis (small losses become readable)."""
        self.log = on
        item = self.getPlotItem()
        item.setLogMode(y=on)
        item.setLimits(yMin=-300.0 if on else 0.0)  # log10 of the smallest float; else a loss ≥ 0
        self.steady.reset()
        if self._history is not None:
            self.update_from(self._history)

    def set_ghosts(self, runs: list[KeptRun]) -> None:
        """Kept runs' train losses as dashed lines behind the live curves."""
        item = self.getPlotItem()
        self.clear_ghosts()
        for run in runs:
            curve = item.plot(run.epoch, run.train_loss, pen=ghost_pen(run.colour), name=run.label)
            curve.setZValue(-5)
            self.ghosts.append(curve)
        self.fit_legend()
        if self._history is not None:
            self.update_from(self._history)

    def update_from(self, history: TrainingHistory) -> None:
        self._history = history
        steps, step_loss = thin(history.step.values, history.step_loss.values, STEP_POINTS)
        self.step_curve.setData(steps, step_loss)
        epochs, train = thin(history.epoch.values, history.train_loss.values)
        self.train_curve.setData(epochs, train)
        epochs, test = thin(history.epoch.values, history.test_loss.values)
        if np.all(np.isnan(test)):
            self.test_curve.setData([], [])
        else:
            self.test_curve.setData(epochs, test)
        xs = [steps] + [curve.xData for curve in self.ghosts if curve.xData is not None]
        ys = [step_loss, train, test] + [curve.yData for curve in self.ghosts if curve.yData is not None]
        x = np.concatenate(xs) if xs else np.empty(0)
        if len(x) == 0:
            self.steady.reset()
            return
        y = np.concatenate(ys)
        if self.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(np.where(y > 0, y, np.nan))
        self.steady.follow(np.sort(x)[[0, -1]], y, floor=None if self.log else 0.0)


class DecadeAxis(pg.AxisItem):
    """A log axis that labels only the powers of ten when two or more are in view (the
    2 … 9 between them keep their ticks, without a crowd of numbers beside them)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().tickStrings(values, scale, spacing)
        if not self.logMode or spacing is not None:  # not the log axis's in-between level
            return strings
        low, high = sorted(self.range)
        decades = np.floor(high) - np.ceil(low) + 1  # powers of ten inside the view
        return [""] * len(values) if decades >= 2 else strings


class GradientPlot(LegendPlot):
    """‖∇W_k‖ per optimizer step, one curve per layer (log scale)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"left": DecadeAxis("left")})
        item = self.getPlotItem()
        item.setTitle("Gradients ‖∇W<sub>k</sub>‖", size="10pt")
        item.setLabel("bottom", "epoch")
        item.setLogMode(y=True)
        item.setClipToView(True)
        item.getAxis("left").setWidth(AXIS_WIDTH)
        self.legend = legend_below(item)
        self.setMinimumSize(170, 150)
        self.curves: list[pg.PlotDataItem] = []
        self.ghosts: list[pg.PlotDataItem] = []
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
        self.fit_legend()

    def set_ghosts(self, runs: list[KeptRun]) -> None:
        """Kept runs' ‖∇W_k‖, every layer of a run dashed in the run's colour (one legend entry each)."""
        item = self.getPlotItem()
        self.clear_ghosts()
        for run in runs:
            if run.grad_norms.size == 0:
                continue
            x, y = thin(run.step, np.maximum(run.grad_norms, 1e-12), STEP_POINTS)
            for k in range(y.shape[1]):
                curve = item.plot(x, y[:, k], pen=ghost_pen(run.colour), name=run.label if k == 0 else None)
                curve.setZValue(-5)
                self.ghosts.append(curve)
        self.fit_legend()

    def update_from(self, history: TrainingHistory) -> None:
        norms = history.grad_norms
        if norms is None or norms.size == 0:
            for curve in self.curves:
                curve.setData([], [])
            self.steady.reset()
            return
        self._ensure_curves(norms.columns)
        x, y = thin(history.step.values, norms.values, STEP_POINTS)
        y = np.maximum(y, 1e-12)  # the log axis cannot show 0
        for k, curve in enumerate(self.curves):
            curve.setData(x, y[:, k])
        ghost_x = [c.xData for c in self.ghosts if c.xData is not None and len(c.xData)]
        ghost_y = [c.yData for c in self.ghosts if c.yData is not None and len(c.yData)]
        xs = np.concatenate([x] + ghost_x)
        self.steady.follow(np.sort(xs)[[0, -1]], np.log10(np.concatenate([y.ravel()] + ghost_y)))


class TrainingPlots(QWidget):
    """The loss and gradient-norm plots and the boundary pane, side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss = LossPlot()
        self.gradients = GradientPlot()
        self.boundary_pane = BoundaryPane()
        self.boundary = self.boundary_pane.plot
        self.log_loss = QCheckBox("log scale")
        self.log_loss.setToolTip("Show the loss on a logarithmic axis")
        self.log_loss.toggled.connect(self.loss.set_log)
        loss_box = QVBoxLayout()
        loss_box.setSpacing(2)
        loss_box.addWidget(self.log_loss)
        loss_box.addWidget(self.loss, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        layout.addLayout(loss_box, 3)
        layout.addWidget(self.gradients, 3)
        layout.addWidget(self.boundary_pane, 3)

    def update_from(self, history: TrainingHistory) -> None:
        self.loss.update_from(history)
        self.gradients.update_from(history)

    def set_ghosts(self, runs: list[KeptRun]) -> None:
        self.loss.set_ghosts(runs)
        self.gradients.set_ghosts(runs)
