"""The boundary pane: decision boundary (two inputs) or fitted curve (one input), as Playground shows.

The picture comes from a :class:`~desktop_app.training.maps.MapResult` (computed off the
GUI thread); this pane only colours it. A neuron hovered or selected on the canvas is
shown large instead of the output (its h over the input plane). "Show test data" adds
the test points (ringed); "Discretize output" paints each point in the full colour of
its class (or of its sign).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from core.training.data import Dataset

from .map_colours import class_colour, neuron_image, palette
from .maps import MapResult

MARGIN = 0.08  # of the data's range, around it


class SmoothImage(pg.ImageItem):
    """An ImageItem drawn with bilinear filtering: a 100 × 100 grid shows no blocks when scaled up."""

    def paint(self, painter: QPainter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


def data_extent(dataset: Dataset) -> tuple[float, ...]:
    """(x0, x1[, y0, y1]): the data's range with a margin, per input."""
    lo, hi = dataset.X.min(axis=0), dataset.X.max(axis=0)
    pad = (hi - lo) * MARGIN + 1e-9
    lo, hi = lo - pad, hi + pad
    return tuple(float(v) for pair in zip(lo, hi) for v in pair)


class BoundaryPlot(pg.PlotWidget):
    """The heatmap (or curve) over the data range, with the training (and test) points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setTitle("Decision boundary", size="10pt")
        item.setAspectLocked(True)
        item.hideButtons()
        self.setMinimumSize(180, 160)
        self.image = SmoothImage(axisOrder="row-major")
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen("w", width=0.6))
        self.test_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("#222", width=1.2))
        item.addItem(self.points)
        item.addItem(self.test_points)
        self.fit_curve = item.plot(pen=pg.mkPen("#1f6fb4", width=2))
        self.note = pg.TextItem("", color="#666", anchor=(0.5, 0.5))
        item.addItem(self.note)
        self.dataset: Dataset | None = None
        self.test: Dataset | None = None
        self.extent: tuple[float, ...] | None = None
        self.show_test = False
        self.discretize = False
        self.focus: tuple[int, int] | None = None  # (k, i): that neuron's map instead of the output
        self.result: MapResult | None = None
        self.n_layers = 0  # L, to tell output units from hidden ones
        self.input_labels: list[str] = []  # what each input unit holds (x₁, x₁², sin x₂ …), for titles
        self.probabilities = True  # the outputs are class probabilities (not a regression)

    @property
    def grid_shape(self) -> tuple[int, int] | None:
        """(rows, columns) of the heatmap, or None when nothing is shown."""
        data = self.image.image
        return None if data is None else tuple(data.shape[:2])

    def set_dataset(self, dataset: Dataset | None, test: Dataset | None = None, note: str | None = None) -> None:
        """Show the points of ``dataset`` (and ``test``); None clears the plot and shows ``note``."""
        self.dataset, self.test, self.result = dataset, test, None
        self.image.clear()
        self.fit_curve.setData([], [])
        self.extent = None
        item = self.getPlotItem()
        if dataset is None or dataset.n_inputs not in (1, 2):
            self.points.setData([])
            self.test_points.setData([])
            self.note.setText(note or "The decision boundary needs\na dataset with one or two inputs")
            self.note.setPos(0, 0)
            item.setRange(xRange=(-1, 1), yRange=(-1, 1))
            return
        self.note.setText("")
        self.extent = data_extent(dataset)
        self._draw_points()
        if dataset.n_inputs == 2:
            x0, x1, y0, y1 = self.extent
            item.setTitle("Decision boundary", size="10pt")
            item.setAspectLocked(True)
            item.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        else:
            item.setTitle("Fitted function", size="10pt")
            item.setAspectLocked(False)
            item.autoRange()

    def _draw_points(self) -> None:
        for scatter, data, shown in ((self.points, self.dataset, True), (self.test_points, self.test, self.show_test)):
            if data is None or not shown or len(data) == 0:
                scatter.setData([])
                continue
            if data.n_inputs == 2:
                table = palette()
                brushes = ([pg.mkBrush(*class_colour(int(c), table)) for c in data.y]
                           if data.task == "classification" else pg.mkBrush("#555"))
                scatter.setData(pos=data.X, brush=brushes)
            else:
                scatter.setData(x=data.X[:, 0], y=data.y.reshape(len(data), -1)[:, 0].astype(float),
                                brush=pg.mkBrush("#555"))

    def set_options(self, *, show_test: bool | None = None, discretize: bool | None = None) -> None:
        if show_test is not None:
            self.show_test = show_test
            self._draw_points()
        if discretize is not None:
            self.discretize = discretize  # the output's colours come afresh from the worker
        self._paint()

    def restyle(self) -> None:
        """Draw the points again in the current colour scheme (the maps follow from the worker)."""
        self._draw_points()

    def set_focus(self, focus: tuple[int, int] | None) -> None:
        """Show neuron (k, i)'s map large (None: the network's output)."""
        if focus != self.focus:
            self.focus = focus
            self._paint()

    def show_result(self, result: MapResult, n_layers: int, probabilities: bool,
                    input_labels: list[str] | None = None) -> None:
        """A finished map computation for the shown dataset (``input_labels``: the input units' features)."""
        self.result, self.n_layers, self.probabilities = result, n_layers, probabilities
        self.input_labels = list(input_labels or [])
        self._paint()

    def show_problem(self, text: str) -> None:
        """Nothing to draw (the network cannot compute the grid): say why over the points."""
        self.image.clear()
        self.fit_curve.setData([], [])
        if self.extent is not None:
            self.note.setPos((self.extent[0] + self.extent[1]) / 2,
                             (self.extent[2] + self.extent[3]) / 2 if len(self.extent) == 4 else 0)
        self.note.setText(text)

    def _paint(self) -> None:
        result, data = self.result, self.dataset
        if result is None or data is None or result.yhat is None or self.extent is None:
            return
        if result.extent != self.extent[:len(result.extent)]:
            return  # computed for other data
        self.note.setText("")
        if data.n_inputs == 1:
            x = np.linspace(self.extent[0], self.extent[1], len(result.yhat))
            self.fit_curve.setData(x, result.yhat[:, 0])
            return
        focus = self.focus if self.focus in result.maps else None
        if focus is None:
            rgb = result.boundary
            title = "Decision boundary" if data.task == "classification" else "Output ŷ"
        else:
            k, i = focus
            values = result.maps[focus]
            scale = float(np.nanmax(np.abs(values))) or 1.0 if k == 0 else result.scales.get(k, 1.0)
            rgb = neuron_image(values, k, i, self.n_layers, result.yhat.shape[1], self.probabilities,
                               scale, palette(), self.discretize)
            if k == self.n_layers:
                title = f"Output unit {i + 1}: ŷ_{i + 1}"
            else:
                title = f"Layer {k}, unit {i + 1}: h_{k},{i + 1}"
            if k == 0:  # h_0 = x, or the feature φ_i(x) as its plugin labels it
                label = self.input_labels[i] if i < len(self.input_labels) else f"x_{i + 1}"
                title = f"Input unit {i + 1}: {label}"
        if rgb is None:
            return
        self.getPlotItem().setTitle(title, size="10pt")
        x0, x1, y0, y1 = self.extent
        self.image.setImage(rgb, autoLevels=False, levels=(0, 255))
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))


class BoundaryPane(QWidget):
    """The boundary plot with Playground's two options above it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = BoundaryPlot()
        self.show_test = QCheckBox("Test data")
        self.discretize = QCheckBox("Discretize")
        self.show_test.setToolTip("Show test data: draw the held-out test points too (ringed in black)")
        self.discretize.setToolTip("Discretize output: each point of the plane in the full colour of its class "
                                   "(or sign)")
        self.show_test.setAccessibleName("Show test data")
        self.discretize.setAccessibleName("Discretize output")
        options = QHBoxLayout()
        options.setContentsMargins(4, 0, 4, 0)
        options.addWidget(self.show_test)
        options.addWidget(self.discretize)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(options)
        layout.addWidget(self.plot, 1)
        self.show_test.toggled.connect(lambda on: self.plot.set_options(show_test=on))
        self.discretize.toggled.connect(lambda on: self.plot.set_options(discretize=on))
        for box in (self.show_test, self.discretize):
            box.setFocusPolicy(Qt.FocusPolicy.TabFocus)
