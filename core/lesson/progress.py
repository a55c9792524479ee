"""A learner's progress through a lesson, remembered between runs.

Kept as a small JSON file per lesson in the user data folder (``lesson-progress/``), named
by a hash of the lesson's id (an id from a file is never used as a path). A missing,
corrupt or foreign progress file means starting afresh: it never stops a lesson opening.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

from core.io.atomic import write_atomic
from core.lesson.grading import MAX_ANSWER, Verdict

PROGRESS_FORMAT = "backprop-studio-lesson-progress"
MAX_PROGRESS_BYTES = 4 * 2**20
MAX_ATTEMPTS = 200  # per page: enough for any learner, bounded for the file


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Attempt:
    given: str
    correct: bool
    at: str = ""


@dataclass
class Progress:
    """Where a learner is in a lesson and every answer they gave."""

    lesson_id: str
    page: int = 0
    attempts: dict[int, list[Attempt]] = field(default_factory=dict)
    revealed: set[int] = field(default_factory=set)  # pages whose answer the learner asked to see
    visited: set[int] = field(default_factory=set)
    student: str = ""
    started: str = field(default_factory=now)

    def record(self, page: int, given: str, verdict: Verdict) -> Attempt:
        attempt = Attempt(str(given)[:MAX_ANSWER], verdict.correct, now())
        answers = self.attempts.setdefault(page, [])
        if len(answers) < MAX_ATTEMPTS:
            answers.append(attempt)
        return attempt

    def solved(self, page: int) -> bool:
        return any(a.correct for a in self.attempts.get(page, []))

    def first_try(self, page: int) -> bool:
        answers = self.attempts.get(page, [])
        return bool(answers) and answers[0].correct

    def reset(self) -> None:
        self.page, self.attempts, self.revealed, self.visited = 0, {}, set(), set()
        self.started = now()

    def to_dict(self) -> dict[str, Any]:
        return {"format": PROGRESS_FORMAT, "lesson": self.lesson_id, "page": self.page, "student": self.student,
                "started": self.started, "visited": sorted(self.visited), "revealed": sorted(self.revealed),
                "attempts": {str(p): [vars(a) for a in answers] for p, answers in sorted(self.attempts.items())}}

    @classmethod
    def from_dict(cls, data: Any, lesson_id: str, page_count: int) -> Progress:
        """Read what can be trusted of a saved progress; anything odd is dropped, never raised."""
        progress = cls(lesson_id)
        if not isinstance(data, dict) or data.get("format") != PROGRESS_FORMAT or data.get("lesson") != lesson_id:
            return progress

        def page_index(value: Any) -> int | None:
            try:
                index = int(value)
            except (TypeError, ValueError):
                return None
            return index if 0 <= index < page_count else None

        progress.page = page_index(data.get("page")) or 0
        student = data.get("student")
        progress.student = student[:200] if isinstance(student, str) else ""
        started = data.get("started")
        progress.started = started[:40] if isinstance(started, str) else now()
        for key in ("visited", "revealed"):
            values = data.get(key)
            if isinstance(values, list):
                getattr(progress, key).update(i for i in map(page_index, values) if i is not None)
        attempts = data.get("attempts")
        if isinstance(attempts, dict):
            for key, answers in attempts.items():
                index = page_index(key)
                if index is None or not isinstance(answers, list):
                    continue
                kept = [Attempt(a["given"][:MAX_ANSWER], a["correct"], str(a.get("at", ""))[:40])
                        for a in answers[:MAX_ATTEMPTS]
                        if isinstance(a, dict) and isinstance(a.get("given"), str)
                        and isinstance(a.get("correct"), bool)]
                if kept:
                    progress.attempts[index] = kept
        return progress


def progress_dir() -> Path:
    """The folder of progress files (``$BACKPROP_STUDIO_DATA_DIR`` or the user data folder)."""
    override = os.environ.get("BACKPROP_STUDIO_DATA_DIR")
    base = Path(override) if override else platformdirs.user_data_path("backprop-studio")
    return base / "lesson-progress"


def progress_path(lesson_id: str) -> Path:
    digest = hashlib.sha256(lesson_id.encode("utf-8", "replace")).hexdigest()[:32]
    return progress_dir() / f"{digest}.json"


def load_progress(lesson_id: str, page_count: int) -> Progress:
    """The remembered progress of the lesson ``lesson_id``, or a fresh one."""
    path = progress_path(lesson_id)
    try:
        if path.stat().st_size > MAX_PROGRESS_BYTES:
            return Progress(lesson_id)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return Progress(lesson_id)
    return Progress.from_dict(data, lesson_id, page_count)


def save_progress(progress: Progress) -> Path | None:
    """Remember ``progress``; returns the file, or None when it cannot be written (never raises)."""
    path = progress_path(progress.lesson_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(progress.to_dict(), indent=1) + "\n")
    except OSError:
        return None
    return path
