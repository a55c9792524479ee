"""The lesson open in the window: authoring it (pages as undo commands), following it as a
learner (the student pane), and putting the window into each page's state.

One controller per MainWindow (``window.lessons``). It owns the Qt-free Lesson, its undo
stack, the editor and the student pane (each in a dock), and the Lesson menu's actions.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QFileDialog

from core.io.network_file import FileFormatError
from core.io.resources import lesson_path
from core.lesson.fields import LessonFormatError
from core.lesson.lesson_file import lesson_from_dict, lesson_to_dict, load_lesson, new_lesson, save_lesson
from core.lesson.model import Lesson, Page
from core.lesson.quantities import END, START
from core.lesson.session import LessonSession
from core.stepthrough.notation import text as symbol_text

from .. import plain_text
from . import view_state
from .commands import EditLesson, EditPage, InsertPage, MovePage, RemovePage, SetNetwork
from .editor import LessonEditor
from .student_pane import StudentPane
from .summary_dialog import SummaryDialog

if TYPE_CHECKING:
    from ..main_window import MainWindow

LESSON_FILTER = "Backprop Studio lessons (*.json);;All files (*)"
DEFAULT_LOCKS = ("editing", "training")  # a new page about a step: look, do not change
EDITOR_WIDTH, PANE_WIDTH = 460, 440  # px: the lesson editor and the learner's pane (display math and the question)


class LessonController(QObject):
    """The lesson of one window.

    Signals
    -------
    lesson_changed()
        A lesson was made, opened or closed, or the mode changed (authoring, following).
    page_changed(int)
        The lesson's content changed; the index of the page concerned (-1: the lesson itself).
    """

    lesson_changed = Signal()
    page_changed = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.path: Path | None = None
        self.mode: str | None = None  # "author", "preview" or "student"
        self.session: LessonSession | None = None
        self.stack = QUndoStack(self)
        self._saved_panels: dict[str, bool] | None = None
        self._fit_pending = False
        self.autosaver = None  # a LessonAutosaver once the window autosaves (start_autosave)
        self.student = StudentPane()
        self.student.page_entered.connect(self.enter_page)
        self.student.summary_requested.connect(self.show_summary)
        self.student.preview_closed.connect(self.stop_preview)
        self.student.question_settled.connect(self.settle)
        self.student.goal_snapshot = lambda: view_state.goal_snapshot(self.window)
        self.editor = LessonEditor(self)
        self.student_dock = self._dock("Lesson", "lesson_dock", self.student)
        self.editor_dock = self._dock("Lesson editor", "lesson_editor_dock", self.editor)
        self.summary_dialog: SummaryDialog | None = None
        self._goal_timer = QTimer(self)
        self._goal_timer.setSingleShot(True)
        self._goal_timer.setInterval(250)
        self._goal_timer.timeout.connect(self._check_goal)
        window.state.document_changed.connect(self._watch_document)
        self._watch_document(window.document)
        layouts = getattr(window, "layouts", None)
        if layouts is not None:  # a task layout restores its own docks: the lesson's stay
            layouts.changed.connect(lambda name: self._keep_docks())

    def _dock(self, title: str, name: str, widget) -> QDockWidget:
        """A dock on the left, where the palette is (a lesson page seldom needs the palette)."""
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setMinimumWidth(340)
        self.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.window.tabifyDockWidget(self.window.palette_dock, dock)
        dock.hide()
        return dock

    def _watch_document(self, document) -> None:
        document.undo_stack.refused.connect(self._refused)
        document.parameters_changed.connect(lambda *_: self._goal_timer.start())

    def start_autosave(self, ask=None) -> bool:
        """Autosave lessons being written from now on; offer one a crash left behind (True if recovered)."""
        from .autosave import LessonAutosaver, offer_recovery

        self.autosaver = LessonAutosaver(self)
        return offer_recovery(self, ask)

    def _keep_docks(self) -> None:
        if self.mode == "author":
            self.editor_dock.show()
        elif self.mode in ("student", "preview"):
            self.student_dock.show()
        QTimer.singleShot(0, self._widen)  # after the layout has sized the palette's column for the palette

    def _widen(self) -> None:
        """The lesson's dock as wide as its text and math need (it shares the palette's column)."""
        for dock, width in ((self.editor_dock, EDITOR_WIDTH), (self.student_dock, PANE_WIDTH)):
            if dock.isVisible():  # asked even when it seems wide enough: a palette's resize may be pending
                self.window.resizeDocks([dock], [max(width, dock.width())], Qt.Orientation.Horizontal)

    def _refused(self, reason: str) -> None:
        self.window.statusBar().showMessage(reason, 6000)
        self.window.inspector.show_selection(getattr(self.window.view.scene(), "selection", None))

    # -- the lesson's content (authoring) -----------------------------------------------------
    def changed(self, index: int) -> None:
        """Every lesson command calls this after it changed the model."""
        self.page_changed.emit(index)

    def new_lesson(self) -> Lesson:
        """A lesson about the network on the canvas (a copy of it, with its example and setup), no pages yet."""
        document = self.window.document
        title = document.path.stem.replace("-", " ").capitalize() if document.path else "A new lesson"
        self._start(new_lesson(document.network, view_state.document_extras(self.window), title), None, "author")
        return self.lesson

    def add_page_from_view(self) -> int:
        """A new page after the current one, with the window's view as its state; returns its index."""
        if self.lesson is None:
            self.new_lesson()
        assert self.lesson is not None
        state = view_state.capture(self.window, DEFAULT_LOCKS if self.window.steps_dock.isVisible() else ())
        if state.step in (None, START, END):
            title = "A new page" if state.step is None else ("Before the first step" if state.step == START
                                                            else "After the last step")
        else:
            title = f"The step {symbol_text(state.step)}"
        state.epochs = view_state.trained_epochs(self.window, self.lesson)
        if state.epochs:
            title = f"After {state.epochs} epochs" if state.step is None else f"{title}, after {state.epochs} epochs"
        index = self.editor.current + 1 if self.lesson.pages else 0
        self.stack.push(InsertPage(self.lesson, self.changed, index, Page(title, "", state), "Add page from the view"))
        if not state.epochs and not view_state.same_network(self.window.document.network, self.lesson.network):
            self.window.statusBar().showMessage(
                "The network on the canvas differs from the lesson's: Lesson ▸ Use the Current Network makes it "
                "the lesson's", 10000)
        return index

    def recapture(self, index: int) -> None:
        """Page ``index`` takes the window's view as its state (its locks and network mode kept)."""
        assert self.lesson is not None
        page = self.lesson.pages[index].duplicate()
        old = page.state
        page.state = view_state.capture(self.window, old.locked)
        page.state.network = old.network
        page.state.epochs = view_state.trained_epochs(self.window, self.lesson) or old.epochs
        self.edit_page(index, page, "state")

    def duplicate_page(self, index: int) -> None:
        assert self.lesson is not None
        copy = self.lesson.pages[index].duplicate()
        self.stack.push(InsertPage(self.lesson, self.changed, index + 1, copy, f"Duplicate page {index + 1}"))

    def delete_page(self, index: int) -> None:
        assert self.lesson is not None
        self.stack.push(RemovePage(self.lesson, self.changed, index))

    def move_page(self, source: int, target: int) -> None:
        assert self.lesson is not None
        if source != target and 0 <= target < len(self.lesson.pages):
            self.stack.push(MovePage(self.lesson, self.changed, source, target))

    def edit_page(self, index: int, page: Page, what: str) -> None:
        assert self.lesson is not None
        self.stack.push(EditPage(self.lesson, self.changed, index, page, what))

    def edit_lesson(self, field: str, value: str) -> None:
        assert self.lesson is not None
        if getattr(self.lesson, field) != value:
            self.stack.push(EditLesson(self.lesson, self.changed, field, value))

    def use_current_network(self) -> bool:
        """The network on the canvas becomes the lesson's, if every page still fits it."""
        assert self.lesson is not None
        document = self.window.document
        data = lesson_to_dict(self.lesson)
        candidate = Lesson(self.lesson.title, document.network.copy(), view_state.document_extras(self.window))
        data["network"] = lesson_to_dict(candidate)["network"]
        try:
            checked = lesson_from_dict(data)
        except LessonFormatError as exc:
            plain_text.warning(self.window, "The lesson does not fit this network",
                               f"The network on the canvas cannot be the lesson's:\n\n{exc}")
            return False
        self.stack.push(SetNetwork(self.lesson, self.changed, checked.network, checked.network_extras))
        return True

    # -- files ------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.lesson is None:
            return False
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        if self.lesson is None:
            return False
        suggested = str(self.path) if self.path else f"{self.lesson.title.replace('/', '-')[:60]}.json"
        path = QFileDialog.getSaveFileName(self.window, "Save lesson as", suggested, LESSON_FILTER)[0]
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        assert self.lesson is not None
        try:
            save_lesson(self.lesson, path)
        except (OSError, ValueError) as exc:
            plain_text.critical(self.window, "Cannot save lesson", f"{path} could not be written:\n\n{exc}")
            return False
        self.path = Path(path)
        self.stack.setClean()
        self.window.statusBar().showMessage(f"Saved the lesson {Path(path).name}", 5000)
        self.lesson_changed.emit()
        return True

    def maybe_save(self) -> bool:
        """Offer to save a lesson with unsaved changes; False means the user cancelled."""
        if self.lesson is None or self.mode not in ("author", "preview") or self.stack.isClean():
            return True
        from ..files import ask_save_changes

        answer = ask_save_changes(self.window, f"the lesson {self.lesson.title!r}")
        if answer == "save":
            return self.save()
        return answer == "discard"

    def open_dialog(self) -> bool:
        folder = str(self.path.parent) if self.path else ""
        path = QFileDialog.getOpenFileName(self.window, "Open lesson", folder, LESSON_FILTER)[0]
        return bool(path) and self.open_path(path)

    def open_path(self, path: str | Path, *, edit: bool = False) -> bool:
        """Open a lesson file to follow it (or, with ``edit``, to change it); errors are shown."""
        if not (self.maybe_save() and self.window.files.maybe_save()):
            return False
        try:
            lesson = load_lesson(path)
        except (LessonFormatError, FileFormatError) as exc:
            plain_text.critical(self.window, "Cannot open lesson", f"The lesson could not be opened:\n\n{exc}")
            return False
        self.open_lesson(lesson, Path(path), edit=edit)
        return True

    def open_lesson(self, lesson: Lesson, path: Path | None, *, edit: bool = False) -> None:
        self._start(lesson, path, "author" if edit else "student")

    def open_builtin(self) -> bool:
        """Follow "Backpropagation by hand" (shipped with the app); Save never overwrites it."""
        if not self.open_path(lesson_path()):
            return False
        self.path = None
        return True

    def _start(self, lesson: Lesson, path: Path | None, mode: str) -> None:
        self.close_lesson(ask=False)
        self.lesson, self.path = lesson, path
        self.stack.clear()
        self._saved_panels = {name: dock.isVisible() for name, dock in view_state.panel_docks(self.window).items()}
        self.window.welcome.hide()
        layouts = getattr(self.window, "layouts", None)
        if layouts is not None and any(page.state.step is not None for page in lesson.pages):
            layouts.switch("step")  # a lesson about the steps: the step-through's layout, then each page's panels
        if mode == "student":
            self._show_lesson_network()
            self.follow()
        else:
            self.mode = "author"
            self._show_editor()
            self.editor.show_lesson(lesson)
        self.lesson_changed.emit()

    def _show_editor(self) -> None:
        self.editor_dock.show()
        self.editor_dock.raise_()
        self._widen()
        QTimer.singleShot(0, self._widen)  # again once a layout switched to has sized its docks
        self._room_for_the_pane(0.3)  # the editor needs the height more than the card
        QTimer.singleShot(0, lambda: self._room_for_the_pane(0.3))

    def edit(self) -> None:
        """Edit the lesson being followed or previewed (its pages, in the editor)."""
        if self.mode == "preview":
            self.stop_preview()
        elif self.lesson is not None and self.mode == "student":
            view_state.unlock_all(self.window)
            self.student_dock.hide()
            self.session = None
            self.mode = "author"
            self._show_editor()
            self.editor.show_lesson(self.lesson)
            self.lesson_changed.emit()

    def close_lesson(self, *, ask: bool = True) -> bool:
        """Put the lesson away: controls unlocked, the panels as they were."""
        if ask and not self.maybe_save():
            return False
        view_state.unlock_all(self.window)
        if self._saved_panels is not None:
            for name, dock in view_state.panel_docks(self.window).items():
                dock.setVisible(self._saved_panels.get(name, True))
        self._saved_panels = None
        self.student_dock.hide()
        self.editor_dock.hide()
        self.lesson, self.path, self.mode, self.session = None, None, None, None
        self.stack.clear()
        self.lesson_changed.emit()
        return True

    # -- following --------------------------------------------------------------------------
    def follow(self) -> None:
        """Follow the lesson as a learner, from where the learner left it."""
        assert self.lesson is not None
        self.mode = "student"
        self.session = LessonSession(self.lesson, self.window.host.registry)
        self.editor_dock.hide()
        self._show_student()
        self.student.follow(self.session)

    def _show_lesson_network(self) -> None:
        """The lesson's network on the canvas (a "keep" page then keeps what the learner makes of it)."""
        assert self.lesson is not None
        if not view_state.same_network(self.window.document.network, self.lesson.network):
            self.window.replace_document(self.lesson.network.copy(), None, self.lesson.example,
                                         setup=self.lesson.network_extras.get("setup"))

    def preview(self) -> None:
        """The lesson as a learner sees it, from its first page; nothing is remembered."""
        if self.lesson is None:
            return
        self._show_lesson_network()
        self.mode = "preview"
        self.session = LessonSession(self.lesson, self.window.host.registry, remember=False)
        self.editor_dock.hide()
        self._show_student()
        self.student.follow(self.session, preview=True)
        self.lesson_changed.emit()

    def stop_preview(self) -> None:
        view_state.unlock_all(self.window)
        self.student_dock.hide()
        self.mode = "author"
        self._show_editor()
        self.lesson_changed.emit()

    def _show_student(self) -> None:
        self.student_dock.show()
        self.student_dock.raise_()
        self._widen()
        QTimer.singleShot(0, self._widen)  # again once a layout switched to has sized its docks
        self._fit_pending = True  # once the first page has shown its panels

    def _room_for_the_pane(self, share: float = 0.38) -> None:
        """The step-through's card needs about 300 px; the lesson's pane gets the rest of the height."""
        height = max(240, min(360, int(self.window.height() * share)))
        self.window.resizeDocks([self.window.steps_dock], [height], Qt.Orientation.Vertical)

    def enter_page(self, index: int) -> None:
        """Put the window into page ``index``'s state: its network, panels, step, selection, locks."""
        if self.lesson is None or not 0 <= index < len(self.lesson.pages):
            return
        following = self.mode in ("student", "preview")  # the teacher keeps every control while authoring
        view_state.apply_page(self.window, self.lesson, index, self.session, locks=following,
                              settled=not following)
        QTimer.singleShot(0, self._widen)  # the page's panels shown or hidden: the dock area is laid out anew
        if self._fit_pending and self.window.steps_dock.isVisible():
            self._fit_pending = False
            QTimer.singleShot(0, self._room_for_the_pane)

    def settle(self, index: int) -> None:
        """The question of page ``index`` was answered or revealed: show the page's step now."""
        if self.lesson is not None and self.session is not None and index == self.session.index:
            state = self.lesson.pages[index].state
            view_state.apply_page_step(self.window, self.lesson, index, self.session, settled=True)
            view_state.apply_element(self.window, state.element)

    def show_summary(self) -> SummaryDialog | None:
        if self.session is None:
            return None
        self.summary_dialog = SummaryDialog(self.session, self.window)
        self.summary_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.summary_dialog.show()
        return self.summary_dialog

    # -- live goals --------------------------------------------------------------------------
    def _check_goal(self) -> None:
        if self.mode in ("student", "preview") and self.student_dock.isVisible():
            snapshot = view_state.goal_snapshot(self.window)
            if snapshot is not None:
                self.student.check_goal(snapshot)
