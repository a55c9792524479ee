"""The live plots: loss per epoch (and per step), gradient norms per layer, decision boundary.

Every curve is created once and updated with ``setData`` from the panel's timer.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from .boundary import BoundaryPlot
from .history import TrainingHistory, thin

# antialiased curves cost ~10x more to paint in the software rasteriser; the plots redraw at 12 Hz
pg.setConfigOptions(antialias=False, background="w", foreground="#333")

TRAIN_PEN = pg.mkPen("#1f6fb4", width=2)
TEST_PEN = pg.mkPen("#e8731a", width=2, style=pg.QtCore.Qt.PenStyle.DashLine)
STEP_PEN = pg.mkPen((31, 111, 180, 60), width=1)


LAYER_COLOURS = ["#1f6fb4", "#e8731a", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#17becf",
                 "#7f7f7f"]
STEP_POINTS = 400  # per-step curves are bin means: readable, and cheap to redraw
LEGEND = dict(offset=(-10, 10), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200),
              pen=pg.mkPen("#ccc"))


class LossPlot(pg.PlotWidget):
    """Train and test loss per epoch, over a faint per-step loss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Loss", size="10pt")
        item.setLabel("bottom", "epoch")
        item.setClipToView(True)
        item.addLegend(**LEGEND)
        self.setMinimumSize(170, 150)
        self.step_curve = item.plot(pen=STEP_PEN, name="batch")
        self.train_curve = item.plot(pen=TRAIN_PEN, name="train")
        self.test_curve = item.plot(pen=TEST_PEN, name="test")

    def update_from(self, history: TrainingHistory) -> None:
        self.step_curve.setData(*thin(history.step.values, history.step_loss.values, STEP_POINTS))
        epochs = history.epoch.values
        self.train_curve.setData(*thin(epochs, history.train_loss.values))
        test = history.test_loss.values
        if np.all(np.isnan(test)):
            self.test_curve.setData([], [])
        else:
            self.test_curve.setData(*thin(epochs, test))


class GradientPlot(pg.PlotWidget):
    """‖∇W_k‖ per optimizer step, one curve per layer (log scale)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Gradient norms ‖∇W<sub>k</sub>‖", size="10pt")
        item.setLabel("bottom", "epoch")
        item.setLogMode(y=True)
        item.setClipToView(True)
        self.legend = item.addLegend(**LEGEND)
        self.legend.hide()
        self.setMinimumSize(170, 150)
        self.curves: list[pg.PlotDataItem] = []

    def _ensure_curves(self, n_layers: int) -> None:
        if len(self.curves) == n_layers:
            return
        for curve in self.curves:
            self.getPlotItem().removeItem(curve)
            self.legend.removeItem(curve)
        self.curves = [
            self.getPlotItem().plot(pen=pg.mkPen(LAYER_COLOURS[k % len(LAYER_COLOURS)], width=1.5), name=f"W{k + 1}")
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
