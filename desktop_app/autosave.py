"""Background autosave of the open network, and recovery after a crash.

Each window session writes ``<state>/autosave/<session>.json`` (the network file
format) and ``<session>.lock`` (JSON: pid and original path). A clean exit removes both;
a lock whose process is gone marks an orphan that the next start offers to recover.
"""
from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from core.io.network_file import FileFormatError, load_network

from . import plain_text

PERIOD_MS = 30_000
DEBOUNCE_MS = 2_000
_counter = itertools.count(1)


def autosave_dir() -> Path:
    """``platformdirs.user_state_path("backprop-studio") / "autosave"`` (honours XDG_STATE_HOME)."""
    return platformdirs.user_state_path("backprop-studio") / "autosave"


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@dataclass
class Orphan:
    """An autosave left behind by a process that is gone."""

    network_file: Path
    lock_file: Path
    pid: int
    original_path: str | None
    saved_at: float

    def discard(self) -> None:
        self.network_file.unlink(missing_ok=True)
        self.lock_file.unlink(missing_ok=True)


def find_orphans(folder: Path | None = None) -> list[Orphan]:
    """Autosaves whose writing process has died, newest first."""
    folder = folder or autosave_dir()
    orphans = []
    for lock in folder.glob("*.lock"):
        try:
            info = json.loads(lock.read_text(encoding="utf-8"))
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        network_file = lock.with_suffix(".json")
        if process_alive(pid):
            continue
        if not network_file.exists():
            lock.unlink(missing_ok=True)
            continue
        orphans.append(Orphan(network_file, lock, pid, info.get("path"),
                              float(info.get("saved_at", network_file.stat().st_mtime))))
    return sorted(orphans, key=lambda o: o.saved_at, reverse=True)


def ask_recover(parent: QWidget | None, orphan: Orphan) -> bool:
    """Ask whether to recover ``orphan`` (a module-level function so tests can replace it)."""
    name = Path(orphan.original_path).name if orphan.original_path else "an untitled network"
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.saved_at))
    answer = plain_text.question(
        parent, "Recover unsaved network?",
        f"Backprop Studio did not close cleanly. An autosave of {name} from {when} exists.\n\n"
        "Recover unsaved network?")
    return answer == QMessageBox.StandardButton.Yes


class Autosaver(QObject):
    """Writes the current document every 30 s and shortly after edits, if it has unsaved work.

    Unsaved work is an edit on the undo stack, or weights that changed without one
    (training moves the weights and puts them on the undo stack only when it pauses):
    call :meth:`note_weights` when the parameters change. A folder that cannot be
    written is reported once (:attr:`failed`, and a message box if the parent is a window).

    Parameters
    ----------
    current_document : callable
        Returns the window's current Document (it changes on New/Open).

    Signals
    -------
    failed(str)
        The autosave could not be written (the message names the folder and why).
    """

    failed = Signal(str)

    def __init__(self, current_document: Callable, parent: QObject | None = None,
                 folder: Path | None = None) -> None:
        super().__init__(parent)
        self.current_document = current_document
        self.folder = folder or autosave_dir()
        self.session = f"{os.getpid()}-{int(time.time())}-{next(_counter)}"
        self.network_file = self.folder / f"{self.session}.json"
        self.lock_file = self.folder / f"{self.session}.lock"
        self.period = QTimer(self, interval=PERIOD_MS)
        self.period.timeout.connect(self.save_now)
        self.debounce = QTimer(self, interval=DEBOUNCE_MS, singleShot=True)
        self.debounce.timeout.connect(self.save_now)
        self.period.start()
        self._weights_changed = False  # weights moved (training) since the last save to a file
        self._reported: str | None = None  # the last failure reported (each once)

    def schedule(self, *args) -> None:
        """Save soon (restarts the debounce timer)."""
        self.debounce.start()

    def note_weights(self, *args) -> None:
        """The weights changed (training): autosave them at the next period even with no edit."""
        self._weights_changed = True

    def note_clean(self, clean: bool) -> None:
        """The document was saved (its undo stack is clean): nothing of it is unsaved."""
        if clean:
            self._weights_changed = False

    def has_unsaved_work(self, document) -> bool:
        return document.is_modified or self._weights_changed

    def save_now(self) -> bool:
        """Write the autosave if the document has unsaved work; remove it otherwise."""
        document = self.current_document()
        if document is None or not self.has_unsaved_work(document):
            self.remove()
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            document.write(self.network_file)  # the path Save takes: name and description kept
            info = {"pid": os.getpid(), "path": str(document.path) if document.path else None,
                    "saved_at": time.time()}
            self.lock_file.write_text(json.dumps(info), encoding="utf-8")
        except OSError as exc:
            self._report(f"{self.folder}: {exc.strerror or exc}")
            return False
        except ValueError as exc:  # a NaN mid-training, or the disk is full: keep the previous one
            if "cannot be written" in str(exc):
                self._report(str(exc))
            return False
        self._reported = None
        return True

    def _report(self, reason: str) -> None:
        if reason == self._reported:
            return
        self._reported = reason
        message = (f"Unsaved work cannot be autosaved:\n\n{reason}\n\n"
                   "Save your work with File ▸ Save; autosave tries again every 30 seconds.")
        self.failed.emit(message)
        parent = self.parent()
        if isinstance(parent, QWidget):
            plain_text.message(parent, QMessageBox.Icon.Warning, "Autosave failed", message, modal=False)

    def remove(self) -> None:
        """Delete this session's autosave (a clean exit, or nothing unsaved)."""
        self.network_file.unlink(missing_ok=True)
        self.lock_file.unlink(missing_ok=True)

    def shutdown(self) -> None:
        self.period.stop()
        self.debounce.stop()
        self.remove()


def load_orphan(orphan: Orphan):
    """(network, extras) of an orphan; raises FileFormatError if it is unreadable."""
    return load_network(orphan.network_file)


__all__ = ["Autosaver", "Orphan", "find_orphans", "ask_recover", "load_orphan", "autosave_dir",
           "FileFormatError"]
