"""Every edit of a lesson as an undo command on the lesson's own stack.

Each command changes the Qt-free :class:`~core.lesson.model.Lesson` through its page
operations and then calls ``changed(index)`` (the page to show, or -1), so the editor
follows the model and never the other way round.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from core.lesson.model import Lesson, Page

Changed = Callable[[int], None]
TEXT_EDIT_ID = 4201  # consecutive edits of one page merge into one undo step


class LessonCommand(QUndoCommand):
    def __init__(self, lesson: Lesson, changed: Changed, text: str) -> None:
        super().__init__(text)
        self.lesson, self.changed = lesson, changed


class InsertPage(LessonCommand):
    def __init__(self, lesson: Lesson, changed: Changed, index: int, page: Page, text: str = "Add page") -> None:
        super().__init__(lesson, changed, text)
        self.index, self.page = max(0, min(index, len(lesson.pages))), page

    def redo(self) -> None:
        self.lesson.insert_page(self.index, self.page)
        self.changed(self.index)

    def undo(self) -> None:
        self.lesson.remove_page(self.index)
        self.changed(min(self.index, len(self.lesson.pages) - 1))


class RemovePage(LessonCommand):
    def __init__(self, lesson: Lesson, changed: Changed, index: int) -> None:
        super().__init__(lesson, changed, f"Delete page {index + 1}")
        self.index = index
        self.page: Page | None = None

    def redo(self) -> None:
        self.page = self.lesson.remove_page(self.index)
        self.changed(min(self.index, len(self.lesson.pages) - 1))

    def undo(self) -> None:
        assert self.page is not None
        self.lesson.insert_page(self.index, self.page)
        self.changed(self.index)


class MovePage(LessonCommand):
    def __init__(self, lesson: Lesson, changed: Changed, source: int, target: int) -> None:
        super().__init__(lesson, changed, f"Move page {source + 1} to {target + 1}")
        self.source, self.target = source, target

    def redo(self) -> None:
        self.lesson.move_page(self.source, self.target)
        self.changed(self.target)

    def undo(self) -> None:
        self.lesson.move_page(self.target, self.source)
        self.changed(self.source)


class EditPage(LessonCommand):
    """Replace page ``index`` by ``after`` (a changed copy); typing into one page merges into one step."""

    def __init__(self, lesson: Lesson, changed: Changed, index: int, after: Page, what: str) -> None:
        super().__init__(lesson, changed, f"Edit {what} of page {index + 1}")
        self.index, self.what = index, what
        self.before, self.after = lesson.pages[index], after

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return TEXT_EDIT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, EditPage) or other.index != self.index or other.what != self.what:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.lesson.pages[self.index] = self.after
        self.changed(self.index)

    def undo(self) -> None:
        self.lesson.pages[self.index] = self.before
        self.changed(self.index)


class EditLesson(LessonCommand):
    """Change the lesson's title, author or description."""

    def __init__(self, lesson: Lesson, changed: Changed, field: str, value: str) -> None:
        super().__init__(lesson, changed, f"Edit the lesson's {field}")
        self.field, self.value, self.old = field, value, getattr(lesson, field)

    def id(self) -> int:  # noqa: A003
        return TEXT_EDIT_ID + 1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, EditLesson) or other.field != self.field:
            return False
        self.value = other.value
        return True

    def redo(self) -> None:
        setattr(self.lesson, self.field, self.value)
        self.changed(-1)

    def undo(self) -> None:
        setattr(self.lesson, self.field, self.old)
        self.changed(-1)


class SetNetwork(LessonCommand):
    """The lesson's network (with its example and setup) replaced by another one."""

    def __init__(self, lesson: Lesson, changed: Changed, network, extras: dict) -> None:
        super().__init__(lesson, changed, "Use the current network for the lesson")
        self.before = (lesson.network, lesson.network_extras)
        self.after = (network, extras)

    def redo(self) -> None:
        self.lesson.network, self.lesson.network_extras = self.after
        self.changed(-1)

    def undo(self) -> None:
        self.lesson.network, self.lesson.network_extras = self.before
        self.changed(-1)
