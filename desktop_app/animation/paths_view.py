"""One weight, all paths: the chain rule along every path to the loss, summed, next to
the matrix form's value and a finite-difference estimate."""
from __future__ import annotations

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

from core.stepthrough.explain import number
from core.stepthrough.paths import PathError, PathReport, weight_paths

from ..plain_text import rich


def path_rows(report: PathReport) -> list[tuple[str, str, str]]:
    """(route, factors, product) per path: route like a_1[3] → a_2[1] → a_3[2] → L."""
    rows = []
    for path in report.paths:
        route = " → ".join(f"a_{report.k + n}[{u + 1}]" for n, u in enumerate(path.units)) + " → L"
        factors = " × ".join(f"{f.symbol} ({number(f.value)})" for f in path.factors)
        rows.append((route, factors, f"{path.product:.6g}"))
    return rows


class PathsDialog(QDialog):
    """Shows ``weight_paths`` for W_k[i, j] of the document's trace (0-based i, j)."""

    def __init__(self, document, k: int, i: int, j: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Every path from w_{k},{i + 1},{j + 1} to the loss")
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
        agree = abs(report.path_sum - report.matrix_value) <= 1e-12 + 1e-9 * abs(report.matrix_value)
        self.summary.setText(
            f"<b>∂L/∂{report.name}</b> through <b>{report.path_count}</b> path(s){shown}.<br>"
            f"Sum over the paths: <b>{report.path_sum:.8g}</b> &nbsp;·&nbsp; "
            f"matrix form ∇W_{report.k} = ∇a_{report.k} h_{report.k - 1}ᵀ, entry "
            f"[{report.i + 1}, {report.j + 1}]: <b>{report.matrix_value:.8g}</b> &nbsp;·&nbsp; "
            f"finite difference (L(w+ε) − L(w−ε))/2ε: <b>{report.finite_difference:.8g}</b><br>"
            + ("<span style='color:#2e7d32'>The three agree.</span>" if agree else
               "<span style='color:#b71c1c'>They disagree!</span>"))
