"""One activation at a glance: g and g' plotted, the formulas, and the derivative check.

Used by the plugin manager for the activation selected in a plugin's contributions;
reusable wherever an activation is shown (the inspector).
"""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.plugin_host.contract import CURVE_INTERVAL, CURVE_POINTS
from core.plugin_host.registry import Activation
from core.plugin_host.validation import SAMPLE_POINTS, TOLERANCE

from .animation.typeset import formula_html
from .plain_text import plain_label

INTERVAL = CURVE_INTERVAL  # where the curves were computed at load
G_COLOR = "#f59322"
DG_COLOR = "#0877bd"


def curves(act: Activation) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """a, g(a) and g'(a) over [-4, 4] as computed when the plugin was loaded.

    The plugin is never called here (a g that hangs cannot freeze the window); a curve is
    None when the plugin's function failed, NaN where it was not finite (gaps).
    """
    if act.curve is None:
        return np.linspace(*CURVE_INTERVAL, CURVE_POINTS), None, None
    return act.curve


def check_text(act: Activation) -> str:
    """The derivative check result as rich text (green when passed, red when flagged)."""
    error = act.max_derivative_error
    measured = (f"max |g'(a) − (g(a+h) − g(a−h))/2h| = {error:.2e} over {SAMPLE_POINTS.size} points"
                if error is not None else "the derivative could not be compared")
    if act.problem is None:
        return (f"<span style='color:#1b7f3b'>✔ derivative check passed</span>: {measured} "
                f"(tolerance {TOLERANCE:g}, relative)")
    return (f"<span style='color:#b00020'><b>✘ flagged, not offered in the palette</b></span>: "
            f"{html.escape(act.problem)}<br>{measured}")


class ActivationView(QWidget):
    """g and g' of one activation over [-4, 4], its formulas and its derivative check.

    Parameters
    ----------
    parent : QWidget, optional
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activation: Activation | None = None
        self.title = plain_label()  # the activation's and its plugin's names
        self.title.setStyleSheet("font-weight: bold;")
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        self.check = QLabel()
        self.check.setTextFormat(Qt.TextFormat.RichText)
        self.check.setWordWrap(True)
        self.check.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(150)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.addLegend(offset=(5, 5), labelTextSize="8pt")
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setXRange(*INTERVAL, padding=0.02)
        self.g_curve = self.plot.plot(pen=pg.mkPen(G_COLOR, width=2), name="g(a)")
        self.dg_curve = self.plot.plot(pen=pg.mkPen(DG_COLOR, width=2, style=Qt.PenStyle.DashLine),
                                       name="g'(a)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.formula)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.check)

    def show_activation(self, act: Activation | None) -> None:
        """Show ``act`` (None clears the view)."""
        self.activation = act
        if act is None:
            for widget in (self.title, self.formula, self.check):
                widget.clear()
            self.g_curve.setData([], [])
            self.dg_curve.setData([], [])
            return
        origin = f" — from plugin {act.plugin}" if act.plugin else ""
        self.title.setText(f"{act.name}{origin}")
        parts = [formula_html(act.formula), formula_html(act.derivative_formula),
                 html.escape(act.description)]
        self.formula.setText("<br>".join(p for p in parts if p) or "(no formula given)")
        a, g, dg = curves(act)
        for curve, values in ((self.g_curve, g), (self.dg_curve, dg)):
            if values is None:
                curve.setData([], [])
            else:
                curve.setData(a, values, connect="finite")
        self.check.setText(check_text(act))
