"""The summary a learner hands in: every question, the answers given, right or wrong.

Saved as JSON (``backprop-studio-lesson-summary``) or CSV (one row per question). Texts
come from the lesson file, so a CSV cell that a spreadsheet would run as a formula is
written with a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.io.atomic import write_atomic
from core.lesson.markdown import plain_text
from core.lesson.model import Lesson
from core.lesson.progress import Progress, now

SUMMARY_FORMAT = "backprop-studio-lesson-summary"
SUMMARY_VERSION = 1
CSV_COLUMNS = ("page", "title", "kind", "prompt", "attempts", "first_answer", "last_answer", "correct",
               "first_try", "revealed", "expected")


def build_summary(lesson: Lesson, progress: Progress, expected: Callable[[int], str]) -> dict[str, Any]:
    """The summary of ``progress`` through ``lesson``; ``expected(page)`` gives a question's right answer."""
    rows = []
    for index, question in lesson.questions():
        attempts = progress.attempts.get(index, [])
        rows.append({
            "page": index + 1,
            "title": lesson.pages[index].title,
            "kind": question.kind,
            "prompt": plain_text(question.prompt),
            "attempts": len(attempts),
            "answers": [a.given for a in attempts],
            "correct": progress.solved(index),
            "first_try": progress.first_try(index),
            "revealed": index in progress.revealed,
            "expected": plain_text(expected(index)),
        })
    return {
        "format": SUMMARY_FORMAT,
        "version": SUMMARY_VERSION,
        "lesson": {"title": lesson.title, "id": lesson.id, "pages": len(lesson.pages)},
        "student": progress.student,
        "started": progress.started,
        "finished": now(),
        "pages_visited": len(progress.visited),
        "score": {"questions": len(rows), "correct": sum(r["correct"] for r in rows),
                  "first_try": sum(r["first_try"] for r in rows)},
        "questions": rows,
    }


def _cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would evaluate (=, +, -, @ …) is quoted with an apostrophe."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def summary_csv(summary: dict[str, Any]) -> str:
    """One row per question (answers: the first and the last given)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in summary["questions"]:
        answers = row["answers"]
        values = {**row, "first_answer": answers[0] if answers else "", "last_answer": answers[-1] if answers else ""}
        writer.writerow([_cell(values[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def save_summary(summary: dict[str, Any], path: str | os.PathLike) -> None:
    """Write the summary as CSV when ``path`` ends in .csv, else as JSON."""
    text = summary_csv(summary) if Path(path).suffix.lower() == ".csv" else json.dumps(summary, indent=1) + "\n"
    write_atomic(path, text)
