"""New, open, save, recent files, examples and image export for the main window."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.engine.network import Network
from core.io.network_file import FileFormatError, example_arrays
from core.lesson.fields import LessonFormatError
from core.lesson.lesson_file import load_network_or_lesson
from core.lesson.model import Lesson

from . import plain_text
from .settings import add_recent_file, recent_files

if TYPE_CHECKING:
    from .main_window import MainWindow

NETWORK_FILTER = "Backprop Studio networks and lessons (*.json);;All files (*)"
IMAGE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"


def new_network() -> Network:
    """The network of File ▸ New: 2-4-2, tanh, softmax cross-entropy."""
    return Network([2, 4, 2], "tanh", "softmax_cross_entropy")


def warn_cannot_compute(parent: QWidget | None, name: str, problem: str) -> None:
    """The network opened but cannot compute yet (the marked layer says why)."""
    plain_text.warning(parent, "Network opened with a problem",
                       f"{name} is open, but it cannot be computed yet:\n\n{problem}\n\n"
                       "The layer concerned is marked on the canvas. Install or enable the missing "
                       "plugin, or drop another activation onto that layer.")


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """Ask Save/Discard/Cancel for unsaved changes; returns "save", "discard" or "cancel"."""
    B = QMessageBox.StandardButton
    answer = plain_text.question(
        parent, "Unsaved changes", f"Save the changes to {name} before closing it?",
        B.Save | B.Discard | B.Cancel, B.Save)
    return {B.Save: "save", B.Discard: "discard"}.get(answer, "cancel")


def choose_open_path(parent: QWidget | None, folder: str = "") -> str:
    return QFileDialog.getOpenFileName(parent, "Open network", folder, NETWORK_FILTER)[0]


def choose_save_path(parent: QWidget | None, suggested: str) -> str:
    path = QFileDialog.getSaveFileName(parent, "Save network as", suggested, NETWORK_FILTER)[0]
    if path and not Path(path).suffix:
        path += ".json"
    return path


def choose_image_path(parent: QWidget | None, suggested: str) -> str:
    path, chosen = QFileDialog.getSaveFileName(parent, "Export image", suggested, IMAGE_FILTER)
    if path and Path(path).suffix.lower() not in (".png", ".svg"):
        path += ".svg" if "svg" in chosen.lower() else ".png"
    return path


class FileController(QObject):
    """The File menu's logic, acting on ``window.document``."""

    recent_changed = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    # -- asking before a document is replaced -------------------------------------
    def maybe_save(self) -> bool:
        """Offer to save unsaved changes; False means the user cancelled."""
        document = self.window.document
        if not document.is_modified:
            return True
        name = document.path.name if document.path else "Untitled"
        answer = ask_save_changes(self.window, name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # -- new and open -------------------------------------------------------------
    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.window.replace_document(new_network(), None, None)
        return True

    def open(self) -> bool:
        if not self.maybe_save():
            return False
        current = self.window.document.path
        path = choose_open_path(self.window, str(current.parent) if current else "")
        return bool(path) and self.open_path(path, ask=False)

    def open_path(self, path: str | Path, *, ask: bool = True, remember: bool = True) -> bool:
        """Open ``path``; a bad file shows an error naming the problem and keeps the current network."""
        if ask and not self.maybe_save():
            return False
        try:
            loaded = load_network_or_lesson(path)
        except (FileFormatError, LessonFormatError) as exc:
            self.window.statusBar().showMessage(f"Could not open {Path(path).name}", 8000)
            plain_text.critical(self.window, "Cannot open network",
                                f"The file could not be opened:\n\n{exc}\n\nThe current network is kept.")
            return False
        if isinstance(loaded, Lesson):  # a lesson file: follow it
            if not self.window.lessons.maybe_save():
                return False
            self.window.lessons.open_lesson(loaded, Path(path))
            if remember:
                self._remember(path)
            return True
        network, extras = loaded
        document = self.window.replace_document(network, Path(path), example_arrays(extras),
                                                setup=extras.get("setup"))
        document.metadata = extras.get("metadata")
        bad_example = document.example_problem()
        if bad_example:  # the file's sample, not a plugin: said as such; a default sample is used
            plain_text.warning(self.window, "Example not used",
                               f"The example stored in {Path(path).name} does not fit the network: "
                               f"{bad_example}.\n\nThe network is open; a default example is used.")
        if document.trace_error:  # e.g. a layer whose activation's plugin is not installed
            self.window.statusBar().showMessage(document.trace_error, 20000)
            warn_cannot_compute(self.window, Path(path).name, document.trace_error)
        if remember:
            self._remember(path)
        self.window.statusBar().showMessage(f"Opened {Path(path).name}", 5000)
        return True

    def open_example(self, path: Path) -> bool:
        """Open an example as a new untitled network (so Save never overwrites it)."""
        if not self.open_path(path, remember=False):
            return False
        self.window.document.path = None
        self.window.document.path_changed.emit("")
        return True

    # -- save ---------------------------------------------------------------------
    def save(self) -> bool:
        document = self.window.document
        if document.path is None:
            return self.save_as()
        return self.save_to(document.path)

    def save_as(self) -> bool:
        document = self.window.document
        suggested = str(document.path) if document.path else "network.json"
        path = choose_save_path(self.window, suggested)
        return bool(path) and self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Write the network, its example and training setup atomically; report failures without losing anything."""
        document = self.window.document
        try:
            document.write(path)
        except (OSError, ValueError) as exc:
            plain_text.critical(self.window, "Cannot save network", f"{path} could not be written:\n\n{exc}")
            return False
        document.set_path(path)
        document.mark_saved()
        self._remember(path)
        self.window.statusBar().showMessage(f"Saved {Path(path).name}", 5000)
        return True

    # -- recent files and images --------------------------------------------------
    def _remember(self, path: str | Path) -> None:
        self.recent_changed.emit(add_recent_file(path, self.window.settings))

    def recent(self) -> list[str]:
        return recent_files(self.window.settings)

    def export_image(self) -> bool:
        document = self.window.document
        stem = document.path.stem if document.path else "network"
        path = choose_image_path(self.window, f"{stem}.png")
        return bool(path) and self.export_to(path)

    def export_to(self, path: str | Path) -> bool:
        """Export the canvas as PNG or SVG (by the suffix)."""
        try:
            self.window.view.export_image(str(path))
        except (OSError, ValueError) as exc:
            plain_text.critical(self.window, "Cannot export image", f"{path} could not be written:\n\n{exc}")
            return False
        self.window.statusBar().showMessage(f"Exported {Path(path).name}", 5000)
        return True
