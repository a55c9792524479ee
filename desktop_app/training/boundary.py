"""Decision boundary (two inputs) or fitted curve (one input), as TensorFlow Playground shows."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QWidget

from core.engine.passes import Kernel
from core.training.data import Dataset

GRID = 60
CLASS_COLOURS = np.array([[232, 115, 26], [31, 111, 180], [60, 160, 70], [150, 80, 170],
                          [200, 60, 60], [120, 120, 120]], dtype=float)
MARGIN = 0.08


def class_colour(label: int) -> tuple[int, int, int]:
    return tuple(int(v) for v in CLASS_COLOURS[label % len(CLASS_COLOURS)])


def probability_image(yhat: np.ndarray, n_classes: int) -> np.ndarray:
    """RGB (uint8) per grid point: the predicted class's colour, paler where the net is unsure.

    Parameters
    ----------
    yhat : ndarray, shape (N, n_outputs)
        Predicted probabilities; one column means P(class 1) of two classes.
    n_classes : int
        Number of classes of the dataset.
    """
    probs = np.hstack([1 - yhat, yhat]) if yhat.shape[1] == 1 else yhat
    probs = np.nan_to_num(probs, nan=1.0 / max(n_classes, 1))
    best = probs.argmax(axis=1)
    chance = 1.0 / probs.shape[1]
    confidence = np.clip((probs.max(axis=1) - chance) / (1 - chance), 0, 1)[:, None] * 0.75
    colour = CLASS_COLOURS[best % len(CLASS_COLOURS)]
    return (255 * (1 - confidence) + colour * confidence).astype(np.uint8)


class BoundaryPlot(pg.PlotWidget):
    """A heatmap of the predicted class over the data range, with the training points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Decision boundary", size="10pt")
        item.setAspectLocked(True)
        item.hideButtons()
        self.setMinimumSize(180, 160)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen("w", width=0.6))
        item.addItem(self.points)
        self.fit_curve = item.plot(pen=pg.mkPen("#1f6fb4", width=2))
        self.note = pg.TextItem("", color="#666", anchor=(0.5, 0.5))
        item.addItem(self.note)
        self.dataset: Dataset | None = None
        self.grid: np.ndarray | None = None
        self.rect = QRectF()

    @property
    def grid_shape(self) -> tuple[int, int] | None:
        """(rows, columns) of the heatmap, or None when nothing is shown."""
        data = self.image.image
        return None if data is None else tuple(data.shape[:2])

    def set_dataset(self, dataset: Dataset | None, note: str | None = None) -> None:
        """Show the points of ``dataset`` and prepare the prediction grid for it.

        None clears the plot and shows ``note`` (why there is nothing to show).
        """
        self.dataset = dataset
        self.image.clear()
        self.fit_curve.setData([], [])
        self.grid = None
        if dataset is None or dataset.n_inputs not in (1, 2):
            self.points.setData([])
            self.note.setText(note or "The decision boundary needs\na dataset with one or two inputs")
            self.note.setPos(0, 0)
            self.getPlotItem().setRange(xRange=(-1, 1), yRange=(-1, 1))
            return
        self.note.setText("")
        if dataset.n_inputs == 2:
            self.getPlotItem().setTitle("Decision boundary", size="10pt")
            lo, hi = dataset.X.min(axis=0), dataset.X.max(axis=0)
            pad = (hi - lo) * MARGIN + 1e-9
            lo, hi = lo - pad, hi + pad
            xs, ys = np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)
            gx, gy = np.meshgrid(xs, ys)  # row = y, column = x (row-major image)
            self.grid = np.column_stack([gx.ravel(), gy.ravel()])
            self.rect = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
            brushes = [pg.mkBrush(*class_colour(int(c))) for c in dataset.y] \
                if dataset.task == "classification" else pg.mkBrush("#555")
            self.points.setData(pos=dataset.X, brush=brushes)
            self.getPlotItem().setAspectLocked(True)
            self.getPlotItem().setRange(self.rect, padding=0)
        else:
            self.getPlotItem().setTitle("Fitted function", size="10pt")
            self.getPlotItem().setAspectLocked(False)
            x = dataset.X[:, 0]
            y = dataset.y.reshape(len(x), -1)[:, 0].astype(float)
            self.grid = np.linspace(x.min(), x.max(), 200)[:, None]
            self.points.setData(x=x, y=y, brush=pg.mkBrush("#555"))
            self.getPlotItem().autoRange()

    def update_prediction(self, kernel: Kernel, weights, biases) -> None:
        """Recompute the heatmap (or the fitted curve) with these parameters."""
        if self.grid is None or self.dataset is None:
            return
        with np.errstate(all="ignore"):
            yhat = kernel.predict(weights, biases, self.grid)
        if self.dataset.n_inputs == 1:
            self.fit_curve.setData(self.grid[:, 0], yhat[:, 0])
            return
        rgb = probability_image(yhat, self.dataset.n_classes or yhat.shape[1])
        self.image.setImage(rgb.reshape(GRID, GRID, 3), autoLevels=False, levels=(0, 255))
        self.image.setRect(self.rect)
