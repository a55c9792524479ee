"""One weight, all paths: the chain rule along every path to the loss, summed, next to
the matrix form's value and a finite-difference estimate."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.stepthrough.notation import Element
from core.stepthrough.notation import text as symbol_text
from core.stepthrough.numbers import number
from core.stepthrough.paths import PathError, PathReport, weight_paths

from ..plain_text import rich


def path_rows(report: PathReport) -> list[tuple[str, str, str]]:
    """(route, factors, product) per path: route like a₁,₃ → a₂,₁ → a₃,₂ → L."""
    rows = []
    for path in report.paths:
        route = " → ".join(Element(f"a{report.k + n}", (u + 1,)).text() for n, u in enumerate(path.units)) + " → L"
        factors = " × ".join(f"{f.symbol} ({number(f.value)})" for f in path.factors)
        rows.append((route, factors, number(path.product, 8)))
    return rows


class PathsDialog(QDialog):
    """Shows ``weight_paths`` for W_k[i, j] of the document's trace (0-based i, j)."""

    def __init__(self, document, k: int, i: int, j: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Every path from {Element(f'W{k}', (i + 1, j + 1)).text()} to the loss")
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["path", "chain-rule factors", "product"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.report: PathReport | None = None
        self.error: str | None = None
        trace = document.trace
        try:
            if trace is None:
                raise PathError(document.trace_error or "there is no forward and backward pass yet")
            self.report = weight_paths(trace, document.registry, k, i, j)
        except PathError as exc:
            self.error = str(exc)
            self.summary.setText(rich("<b>Cannot list the paths:</b> {}", exc))
            return
        self._fill(self.report)

    def _fill(self, report: PathReport) -> None:
        rows = path_rows(report)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(0)
        shown = "" if len(rows) == report.path_count else f" (the first {len(rows)} are listed)"
        k = report.k
        matrix_form = f"{symbol_text(f'grad_W{k}')} = {symbol_text(f'grad_a{k}')} {symbol_text(f'h{k - 1}')}ᵀ"
        penalty = ""
        if report.penalty:  # the regularizer's λ [∂R/∂W_k]_ij lies on no path: added beside the sum
            matrix_form += f" + λ ∂R/∂{Element(f'W{k}').text()}"
            penalty = (f" + the regularizer's λ ∂R/∂w <b>{number(report.penalty, 8)}</b> "
                       f"= <b>{number(report.total, 8)}</b>")
        agree = abs(report.total - report.matrix_value) <= 1e-12 + 1e-9 * abs(report.matrix_value)
        self.summary.setText(
            f"<b>∂L/∂{html.escape(report.name)}</b> through <b>{report.path_count}</b> path(s){shown}.<br>"
            f"Sum over the paths: <b>{number(report.path_sum, 8)}</b>{penalty} &nbsp;·&nbsp; "
            f"matrix form {matrix_form}, entry "
            f"[{report.i + 1}, {report.j + 1}]: <b>{number(report.matrix_value, 8)}</b> &nbsp;·&nbsp; "
            f"finite difference (L(W+ε) − L(W−ε))/2ε: <b>{number(report.finite_difference, 8)}</b><br>"
            + ("<span style='color:#2e7d32'>The three agree.</span>" if agree else
               "<span style='color:#b71c1c'>They disagree!</span>"))
