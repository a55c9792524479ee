"""A page's state in the window: apply it (network, panels, step, selection, locks) or capture it.

The names of panels and locks are the lesson file's (core.lesson.model.PANELS, LOCKS);
this module is where they meet the window's docks and controls.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget, QWidget

from core.engine.network import Network
from core.lesson.grading import GoalSnapshot
from core.lesson.lesson_file import MAX_EPOCHS
from core.lesson.model import LOCKS, PANELS, Lesson, PageState
from core.lesson.quantities import END, START
from core.lesson.session import LessonSession
from core.lesson.training import LessonTrainingError, trained_network
from core.stepthrough.notation import Element

from ..canvas.selection import Selection, selection_of

if TYPE_CHECKING:
    from ..main_window import MainWindow

LOCK_MESSAGE = "This lesson page locks editing the network"


def panel_docks(window: MainWindow) -> dict[str, QDockWidget]:
    """The lesson file's panel names → the window's docks."""
    return {"palette": window.palette_dock, "inspector": window.inspector_dock, "steps": window.steps_dock,
            "training": window.training_dock, "plots": window.plots_dock}


def same_network(a: Network, b: Network) -> bool:
    """The same layers, plugins and parameters (bit for bit)."""
    return (a.sizes == b.sizes and a.activations == b.activations and a.loss == b.loss
            and all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters())))


def step_controls(window: MainWindow) -> list[QWidget]:
    """What moves the step-through: the panel's buttons and scrubber (and their shortcuts)."""
    steps = window.steps
    return [steps.start_button, steps.back_button, steps.play_button, steps.forward_button, steps.end_button,
            steps.scrubber, steps.granularity, steps.quiz_toggle, steps.lr]


def step_menu_actions(window: MainWindow) -> list:
    """The actions of the Step menu (moving the step-through from the menu or its shortcuts)."""
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "Step" and action.menu() is not None:
            return [a for a in action.menu().actions() if not a.isSeparator()]
    return []


def apply_locks(window: MainWindow, locked: tuple[str, ...] | frozenset) -> None:
    """Lock what a page locks and unlock the rest (names of core.lesson.model.LOCKS)."""
    editing = "editing" in locked
    window.document.undo_stack.locked = LOCK_MESSAGE if editing else ""
    window.palette_dock.widget().setEnabled(not editing)
    window.undo_group.setActiveStack(None if editing else window.document.undo_stack)  # no undo behind the lesson
    window.training.setEnabled("training" not in locked)
    stepping = "stepping" in locked
    for widget in step_controls(window):
        widget.setEnabled(not stepping)
    for action in step_menu_actions(window):
        action.setEnabled(not stepping)
    if stepping:
        window.steps.pause()


def unlock_all(window: MainWindow) -> None:
    apply_locks(window, ())


def apply_panels(window: MainWindow, panels: tuple[str, ...]) -> None:
    for name, dock in panel_docks(window).items():
        dock.setVisible(name in panels)
    if "steps" in panels:
        window.steps_dock.raise_()


def apply_step(window: MainWindow, step: str) -> None:
    """Move the step-through to ``step`` ("start", "end" or the quantity a step writes)."""
    if not window.steps_dock.isVisible():
        window.steps_dock.show()
    window.steps_dock.raise_()
    steps = window.steps
    if step == START:
        steps.to_start()
    elif step == END:
        steps.to_end()
    else:
        steps.seek_quantity(step)


def apply_element(window: MainWindow, element: Element | None) -> None:
    scene = window.view.scene()
    if element is None:
        scene.select(None)
        return
    try:
        scene.select(selection_of(element, window.document.network.sizes))
    except ValueError:  # the learner's own network (a "keep" page) has no such element
        scene.select(None)


def element_of(selection: Selection | None, depth: int) -> Element | None:
    """The element name of a canvas selection: W2[1,3], b2[1], h1[3] (a hidden or input unit), a3[1] (an output)."""
    if selection is None or selection.kind not in ("neuron", "weight", "bias") or selection.i is None:
        return None
    k, i = selection.layer, selection.i + 1
    if selection.kind == "weight":
        return Element(f"W{k}", (i, (selection.j or 0) + 1))
    if selection.kind == "bias":
        return Element(f"b{k}", (i,))
    return Element(f"a{k}" if k == depth else f"h{k}", (i,))


def capture(window: MainWindow, locked: tuple[str, ...] = ()) -> PageState:
    """The window's view as a page state: the step, the selection, the panels shown."""
    state = PageState(locked=tuple(name for name in LOCKS if name in locked))
    panels = tuple(name for name, dock in panel_docks(window).items() if dock.isVisible())
    state.panels = tuple(name for name in PANELS if name in panels)
    player = window.steps.player
    if player is not None and window.steps_dock.isVisible():
        step = player.current
        state.step = END if player.at_end else (START if step is None else step.quantity)
    scene = window.view.scene()
    state.element = element_of(getattr(scene, "selection", None), window.document.network.depth)
    return state


def apply_page(window: MainWindow, lesson: Lesson, index: int, session: LessonSession | None, *,
               locks: bool = True, settled: bool = False) -> None:
    """Put the window into page ``index``'s state: its network, panels, step, selection and
    (with ``locks``) its locks. Unless ``settled``, an open question hides what it asks about."""
    state = lesson.pages[index].state
    unlock_all(window)
    if state.network == "lesson":
        try:
            network = session.network_for(index) if session is not None else lesson.network.copy()
        except LessonTrainingError as exc:  # the page's training state: say why, show the lesson's network
            window.statusBar().showMessage(str(exc), 10000)
            network = lesson.network.copy()
        if not same_network(window.document.network, network):
            window.replace_document(network, None, lesson.example, setup=lesson.network_extras.get("setup"))
    if state.panels is not None:
        apply_panels(window, state.panels)
    apply_page_step(window, lesson, index, session, settled=settled)
    apply_element(window, state.element)
    if locks:
        apply_locks(window, state.locked)
    QTimer.singleShot(0, window.view.zoom_to_fit)


def apply_page_step(window: MainWindow, lesson: Lesson, index: int, session: LessonSession | None, *,
                    settled: bool) -> None:
    """The page's step; while its question about a quantity is open, the step before the one
    computing that quantity (no spoilers), unless ``settled``."""
    step = lesson.pages[index].state.step
    if step is None:
        return
    try:
        apply_step(window, step)
    except KeyError:
        window.statusBar().showMessage(f"This network has no step {step}", 6000)
        return
    before = None if settled else open_question_position(window, lesson, index, session)
    if before is not None and before < window.steps.player.position:
        window.steps.seek(before)


def open_question_position(window: MainWindow, lesson: Lesson, index: int, session: LessonSession | None) -> int | None:
    """Where the step-through stops while page ``index``'s question is open: right before the
    step that computes the quantity asked about (None: the question reveals nothing)."""
    question = lesson.pages[index].question
    quantity = getattr(question, "quantity", None) or getattr(getattr(question, "answer", None), "quantity", None)
    player = window.steps.player
    if quantity is None or player is None:
        return None
    if session is not None and (session.solved(index) or index in session.progress.revealed):
        return None
    try:
        return player.index_of(quantity) - 1
    except KeyError:  # a parameter or the input: no step computes it
        return None


# -- what the window holds, as a lesson sees it -------------------------------------------
def document_extras(window: MainWindow) -> dict:
    """The open document's example and training setup, as a network file's extras."""
    document = window.document
    extras: dict = {"setup": document.setup}
    if document.example:
        extras["example"] = {"input": list(document.example[0]), "target": list(document.example[1])}
    return extras


def trained_epochs(window: MainWindow, lesson: Lesson) -> int | None:
    """N when the canvas shows ``lesson``'s network trained N epochs with its setup (the training
    panel's epochs since the lesson's weights), else None: a page then records "after N epochs"."""
    history = getattr(window.training, "history", None)
    epochs = int(getattr(history, "last_epoch", 0) or 0)
    document = window.document
    if not 0 < epochs <= MAX_EPOCHS or document.setup != lesson.network_extras.get("setup"):
        return None
    if same_network(document.network, lesson.network) or document.network.sizes != lesson.network.sizes:
        return None
    try:
        trained = trained_network(lesson, epochs, window.host.registry)
    except LessonTrainingError:
        return None
    same = all(np.allclose(p, q, rtol=1e-9, atol=1e-12)
               for p, q in zip(document.network.parameters(), trained.parameters()))
    return epochs if same else None


def goal_snapshot(window: MainWindow) -> GoalSnapshot:
    """The dataset, the widths and the last epoch's figures of the training panel."""
    panel = window.training
    history = getattr(panel, "history", None)
    metrics: dict[str, float | None] = {}
    for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        series = getattr(history, name, None)
        values = series.values if series is not None else np.empty(0)
        metrics[name] = float(values[-1]) if len(values) else None
    dataset = panel.form.dataset_name() if hasattr(panel, "form") else None
    return GoalSnapshot(dataset, tuple(window.document.network.sizes), metrics, int(getattr(history, "last_epoch", 0)))
