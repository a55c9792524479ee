"""The summary at the end of a lesson: the score, every question with the answers given, saved
as JSON or CSV to hand in."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.lesson.session import LessonSession
from core.lesson.summary import save_summary

from .. import plain_text

COLUMNS = ("Page", "Question", "Answers given", "Right", "Expected")


class SummaryDialog(QDialog):
    """Shows :meth:`LessonSession.summary` and saves it where the learner says."""

    def __init__(self, session: LessonSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Lesson summary")
        self.resize(760, 460)
        self.score = plain_text.plain_label(parent=self)
        self.score.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.student = QLineEdit(session.progress.student, self)
        self.student.setPlaceholderText("your name, for the teacher")
        self.student.textChanged.connect(self._named)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.save_json = QPushButton("Save as JSON…", self)
        self.save_json.clicked.connect(lambda: self.choose_and_save("json"))
        self.save_csv = QPushButton("Save as CSV…", self)
        self.save_csv.clicked.connect(lambda: self.choose_and_save("csv"))
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        form = QFormLayout()
        form.addRow("Name", self.student)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_json)
        buttons.addWidget(self.save_csv)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.score)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def summary(self) -> dict[str, Any]:
        return self.session.summary()

    def refresh(self) -> None:
        summary = self.summary()
        score = summary["score"]
        self.score.setText(f"{score['correct']} of {score['questions']} questions answered right "
                           f"({score['first_try']} at the first try) · {summary['pages_visited']} of "
                           f"{summary['lesson']['pages']} pages seen")
        rows = summary["questions"]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            right = "yes" if row["correct"] else ("revealed" if row["revealed"] else "no")
            cells = (str(row["page"]), row["prompt"], " · ".join(row["answers"]) or "—", right, row["expected"])
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))  # items are plain text
        self.table.resizeRowsToContents()

    def _named(self, name: str) -> None:
        self.session.progress.student = name.strip()[:200]
        self.session.save()

    def choose_and_save(self, kind: str) -> bool:
        stem = self.session.lesson.title.replace("/", "-")[:60] or "lesson"
        suffix = ".csv" if kind == "csv" else ".json"
        filters = "CSV table (*.csv)" if kind == "csv" else "JSON summary (*.json)"
        path = QFileDialog.getSaveFileName(self, "Save the summary", f"{stem} summary{suffix}", filters)[0]
        if not path:
            return False
        if not Path(path).suffix:
            path += suffix
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Write the summary (CSV for a .csv name, else JSON); an error is shown, nothing is lost."""
        try:
            save_summary(self.summary(), path)
        except (OSError, ValueError) as exc:
            plain_text.critical(self, "Cannot save the summary", f"{path} could not be written:\n\n{exc}")
            return False
        return True
