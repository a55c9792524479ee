"""A teacher authors a three-page lesson in the app and saves it; a learner opens it, answers
right and wrong, and hands in the summary. Driven through the menus, buttons and fields."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog

from core.io.network_file import example_arrays
from core.lesson.lesson_file import load_lesson
from desktop_app import files as files_module
from desktop_app.main_window import MainWindow


@pytest.fixture
def make_window(qtbot, monkeypatch, host):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")

    def make(*args) -> MainWindow:
        window = MainWindow(host, *args, use_autosave=False, restore_layout=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window
    return make


def menu_action(window: MainWindow, text: str):
    for top in window.menuBar().actions():
        for item in top.menu().actions():
            if item.text().replace("&", "") == text:
                return item
    raise LookupError(text)


def click(qtbot, widget) -> None:
    assert widget.isEnabled() and widget.isVisible(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def step_to(qtbot, window: MainWindow, quantity: str) -> None:
    """Press Step forward until the step computing ``quantity`` is shown."""
    for _ in range(len(window.steps.player)):
        current = window.steps.player.current
        if current is not None and current.quantity == quantity:
            return
        click(qtbot, window.steps.forward_button)
    raise AssertionError(f"never reached {quantity}")


def click_neuron(qtbot, window: MainWindow, layer: int, unit: int) -> None:
    view = window.view
    neuron = view.scene_.neurons[(layer, unit)]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(neuron.pos()))


def click_weight(qtbot, window: MainWindow, k: int, i: int, j: int) -> None:
    view = window.view
    edge = next(e for e in view.scene_.edge_items() if (e.k, e.i, e.j) == (k, i, j))
    line = edge.line()
    point = QPointF(line.x1() + (line.x2() - line.x1()) / 4, line.y1() + (line.y2() - line.y1()) / 4)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(point))


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def author_three_pages(qtbot, window: MainWindow, tmp_path, monkeypatch):
    lessons = window.lessons
    menu_action(window, "New Lesson").trigger()
    editor = lessons.editor
    assert lessons.editor_dock.isVisible() and lessons.lesson is not None and lessons.lesson.pages == []
    type_into(qtbot, editor.title, "Three steps")

    # page 1: the first pre-activation, one unit selected, with a number question
    window.steps_dock.show()
    step_to(qtbot, window, "a1")
    click_neuron(qtbot, window, 1, 2)
    click(qtbot, editor.add_button)
    type_into(qtbot, editor.page_title, "The first step")
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, "Each unit sums its inputs: $a_1 = b_1 + W_1 h_0$.")
    editor._preview_timer.timeout.emit()
    assert "Each unit sums its inputs" in editor.preview.plain()  # the live preview, math typeset
    question = editor.question
    question.kind.setCurrentIndex(question.kind.findData("number"))
    qtbot.keyClicks(question.prompt, "What is $a_{1,3}$?")
    qtbot.keyClicks(question.answer, "a1[9]")  # no such unit: refused by the file's own reader
    assert "a1[9] does not fit a1" in question.problem.text()
    type_into(qtbot, question.answer, "a1[3]")
    assert question.problem.text() == ""

    # page 2: the loss, with a multiple choice
    step_to(qtbot, window, "loss")
    click(qtbot, editor.add_button)
    type_into(qtbot, editor.page_title, "The loss")
    question.kind.setCurrentIndex(question.kind.findData("choice"))
    qtbot.keyClicks(question.prompt, "Which output function turns $a_3$ into $\\hat{y}$?")
    question.options.setFocus()
    qtbot.keyClicks(question.options, "tanh")
    qtbot.keyClick(question.options, Qt.Key.Key_Return)
    qtbot.keyClicks(question.options, "softmax")
    question.right.setValue(2)

    # page 3: back into layer 2, a weight selected, the signs of ∇h_2
    step_to(qtbot, window, "grad_h2")
    click_weight(qtbot, window, 3, 0, 2)
    click(qtbot, editor.add_button)
    type_into(qtbot, editor.page_title, "Back into layer 2")
    question.kind.setCurrentIndex(question.kind.findData("signs"))
    qtbot.keyClicks(question.prompt, "The signs of $\\nabla h_2$?")
    qtbot.keyClicks(question.quantity, "grad_h2")

    lesson = lessons.lesson
    assert [p.title for p in lesson.pages] == ["The first step", "The loss", "Back into layer 2"]
    assert [p.state.step for p in lesson.pages] == ["a1", "loss", "grad_h2"]
    assert [str(p.state.element) for p in lesson.pages] == ["h1[3]", "h1[3]", "W3[1,3]"]
    assert [p.question.kind for p in lesson.pages] == ["number", "choice", "signs"]
    assert lesson.pages[1].question.options == ["tanh", "softmax"]

    # reorder, duplicate and delete, all undoable
    editor.pages.setCurrentRow(2)
    click(qtbot, editor.up_button)
    assert [p.title for p in lesson.pages] == ["The first step", "Back into layer 2", "The loss"]
    click(qtbot, editor.undo_button)
    assert [p.title for p in lesson.pages] == ["The first step", "The loss", "Back into layer 2"]
    editor.pages.setCurrentRow(0)
    click(qtbot, editor.duplicate_button)
    assert len(lesson.pages) == 4 and lesson.pages[1].title == "The first step"
    click(qtbot, editor.delete_button)
    assert [p.title for p in lesson.pages] == ["The first step", "The loss", "Back into layer 2"]
    click(qtbot, editor.undo_button)
    assert len(lesson.pages) == 4
    click(qtbot, editor.redo_button)
    assert len(lesson.pages) == 3
    assert editor.pages.count() == 3 and editor.pages.item(2).text().startswith("3. Back into layer 2")

    # Preview as student, then back to editing: nothing is remembered, the teacher keeps the controls
    click(qtbot, editor.preview_button)
    assert lessons.mode == "preview" and lessons.student.banner.isVisible()
    assert lessons.student.page_title.text() == "The first step"
    assert not window.training.isEnabled()  # the page locks training
    click(qtbot, lessons.student.back_to_editing)
    assert lessons.mode == "author" and lessons.editor_dock.isVisible() and window.training.isEnabled()

    path = tmp_path / "three-steps.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    click(qtbot, editor.save_button)
    assert path.is_file() and lessons.stack.isClean()
    return path


def test_author_a_lesson_then_follow_it_as_a_learner(qtbot, make_window, textbook, tmp_path, monkeypatch):
    network, extras = textbook
    window = make_window(network, None, example_arrays(extras))
    path = author_three_pages(qtbot, window, tmp_path, monkeypatch)
    saved = load_lesson(path)  # what was written opens, checked like any lesson file
    assert saved.title == "Three steps" and len(saved.pages) == 3
    assert json.loads(path.read_text())["pages"][0]["question"]["answer"] == "a1[3]"
    menu_action(window, "Close Lesson").trigger()
    assert not window.lessons.editor_dock.isVisible()

    # the learner opens the file (File ▸ Open takes lessons too)
    assert window.files.open_path(path, ask=False)
    lessons, pane = window.lessons, window.lessons.student
    assert lessons.mode == "student" and lessons.student_dock.isVisible()
    assert pane.page_title.text() == "The first step" and "Each unit sums its inputs" in pane.text.plain()
    box = pane.question
    # page 1: the step-through stops before a_1 while the question is open (no spoilers)
    assert window.steps.player.position == 0 and window.view.scene_.selection.i == 2
    type_into(qtbot, box.line, "5")
    click(qtbot, box.check_button)
    assert "Not quite" in box.feedback.text() and not box.check_button.isEnabled()
    click(qtbot, box.retry_button)
    type_into(qtbot, box.line, "5.3")
    click(qtbot, box.check_button)
    assert box.feedback.text().startswith("Right: a₁,₃ = 5.3")
    assert window.steps.player.current.quantity == "a1"  # answered: the page's step is shown
    # the page locks editing: deleting a layer on the canvas is refused, the network kept
    window.view.scene_.select(None)
    window.view.editing.delete_layer(1)
    assert window.document.network.sizes == [3, 3, 3, 2]
    assert "locks editing" in window.statusBar().currentMessage()
    assert not window.training.isEnabled() and not window.palette_dock.widget().isEnabled()
    click(qtbot, pane.next_button)

    # page 2: a wrong choice, Retry, the right one
    assert pane.page_title.text() == "The loss" and window.steps.player.current.quantity == "loss"
    box.group.button(1).click()
    click(qtbot, box.check_button)
    assert box.feedback.text() == "Not this one."
    click(qtbot, box.retry_button)
    box.group.button(2).click()
    click(qtbot, box.check_button)
    assert box.feedback.text() == "Right."
    click(qtbot, pane.next_button)

    # page 3: right at the first try
    assert window.steps.player.current.quantity != "grad_h2"
    assert "3 signs" in box.line.placeholderText()
    type_into(qtbot, box.line, "- + -")
    click(qtbot, box.check_button)
    assert box.feedback.text().startswith("Right")
    assert window.steps.player.current.quantity == "grad_h2"
    assert pane.next_button.text().startswith("Finish")
    click(qtbot, pane.next_button)

    dialog = lessons.summary_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.score.text().startswith("3 of 3 questions answered right (1 at the first try)")
    qtbot.keyClicks(dialog.student, "Ada")
    out = tmp_path / "handed-in.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    click(qtbot, dialog.save_csv)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["first_answer"] for r in rows] == ["5", "1", "'- + -"]
    assert [r["last_answer"] for r in rows] == ["5.3", "2", "'- + -"]
    assert [r["correct"] for r in rows] == ["yes", "yes", "yes"]
    assert [r["first_try"] for r in rows] == ["no", "no", "yes"]
    assert rows[0]["expected"] == "a₁,₃ = 5.3" and rows[1]["expected"] == "option 2: softmax"
    json_out = tmp_path / "handed-in.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(json_out), ""))
    click(qtbot, dialog.save_json)
    summary = json.loads(json_out.read_text())
    assert summary["student"] == "Ada" and summary["score"] == {"questions": 3, "correct": 3, "first_try": 1}
    assert summary["lesson"]["title"] == "Three steps"
    assert [q["answers"] for q in summary["questions"]] == [["5", "5.3"], ["1", "2"], ["- + -"]]
    assert [q["first_try"] for q in summary["questions"]] == [False, False, True]
    dialog.close()

    # progress is remembered: another window opens the lesson where the learner was
    window.close()
    again = make_window()
    assert again.files.open_path(path, ask=False)
    assert again.lessons.student.page_title.text() == "Back into layer 2"
    assert again.lessons.student.question.feedback.text().startswith("You answered this one right")
    assert again.steps.player.current.quantity == "grad_h2"  # solved: nothing hidden any more


def test_the_built_in_lesson_is_offered_on_the_start_screen_and_in_help(qtbot, make_window):
    window = make_window()
    window.show_welcome()
    click(qtbot, window.welcome.buttons["lesson"])
    assert window.lessons.lesson.title == "Backpropagation by hand"
    assert window.document.network.sizes == [3, 3, 3, 2] and window.lessons.student_dock.isVisible()
    assert window.lessons.path is None  # Save never overwrites the shipped file
    assert not window.palette_dock.isVisible()  # the page's panels: the step-through and the inspector
    menu_action(window, "Close Lesson").trigger()
    assert window.palette_dock.isVisible()  # the panels as they were
    help_texts = [a.text() for top in window.menuBar().actions() if top.text().replace("&", "") == "Help"
                  for a in top.menu().actions()]
    assert "Follow “Backpropagation by hand”" in help_texts


def test_a_hostile_lesson_is_shown_as_text(qtbot, make_window, textbook, tmp_path):
    from core.lesson.lesson_file import new_lesson, save_lesson
    from core.lesson.model import Page

    lesson = new_lesson(*textbook, title="<h1>big</h1>")
    lesson.pages.append(Page("<img src=/dev/zero>", "<b>not bold</b> <img src=/dev/zero> [x](file:///etc/passwd)"))
    save_lesson(lesson, tmp_path / "hostile.json")
    window = make_window()
    assert window.lessons.open_path(tmp_path / "hostile.json")
    pane = window.lessons.student
    assert pane.page_title.text() == "<img src=/dev/zero>" and pane.page_title.textFormat() == Qt.TextFormat.PlainText
    assert pane.text.plain() == "<b>not bold</b> <img src=/dev/zero> [x](file:///etc/passwd)"
    assert "<b>" not in pane.text.toHtml().replace("&lt;b&gt;", "")  # the text was never read as HTML


def test_a_page_can_lock_the_step_through_where_it_is(qtbot, make_window, textbook, tmp_path):
    from core.lesson.lesson_file import new_lesson, save_lesson
    from core.lesson.model import Page, PageState

    lesson = new_lesson(*textbook, title="Locked")
    lesson.pages += [Page("Stay here", "", PageState(step="grad_h2", locked=("stepping",))),
                     Page("Move freely", "", PageState(step="a1"))]
    save_lesson(lesson, tmp_path / "locked.json")
    window = make_window()
    assert window.lessons.open_path(tmp_path / "locked.json")
    assert window.steps.player.current.quantity == "grad_h2"
    assert not window.steps.forward_button.isEnabled() and not window.steps.scrubber.isEnabled()
    step_forward = menu_action(window, "Step Forward")
    assert not step_forward.isEnabled()
    step_forward.trigger()  # a disabled action does nothing
    assert window.steps.player.current.quantity == "grad_h2"
    assert window.training.isEnabled()  # only what the page locks is locked
    click(qtbot, window.lessons.student.next_button)
    assert window.steps.forward_button.isEnabled() and step_forward.isEnabled()
    click(qtbot, window.steps.forward_button)
    assert window.steps.player.current.quantity == "h1"


def test_the_lesson_menu_exports_a_handout_slides_and_the_script(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window()
    assert window.lessons.open_builtin()
    window.lessons.student.go(4)
    page_before, position_before = window.lessons.session.index, window.steps.player.position
    for text, name in (("Export Handout (PDF)…", "handout.pdf"), ("Export Slides (GIF or PNG)…", "slides.gif"),
                       ("Export NumPy Script…", "by_hand.py")):
        out = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, out=out, **kwargs: (str(out), ""))
        menu_action(window, text).trigger()
        assert out.is_file() and out.stat().st_size > 1000, text
        assert window.statusBar().currentMessage().startswith("Exported the")
    assert (tmp_path / "handout.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "slides.gif").read_bytes().startswith(b"GIF89a")
    assert "def backward(y, a, h, yhat):" in (tmp_path / "by_hand.py").read_text(encoding="utf-8")
    # the learner is where they were
    assert window.lessons.session.index == page_before and window.steps.player.position == position_before
    assert window.lessons.student.page_title.text() == window.lessons.lesson.pages[4].title


def test_without_a_lesson_the_script_is_the_canvas_network_with_its_setup(qtbot, make_window, tmp_path,
                                                                           monkeypatch):
    from core.io.resources import example_path

    window = make_window()
    assert window.files.open_example(example_path("spiral-classifier"))  # File ▸ Open Example ▸ Spiral
    assert window.lessons.lesson is None
    out = tmp_path / "spiral.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    menu_action(window, "Export NumPy Script…").trigger()
    assert window.statusBar().currentMessage().startswith("Exported the"), window.statusBar().currentMessage()
    source = out.read_text(encoding="utf-8")
    setup = window.document.setup
    assert f"BATCH_SIZE, SEED = {setup.stop.epochs or 20}, " in source  # --train's defaults: the saved setup
    assert f", {setup.batch_size}, {setup.seed}  # --train's defaults" in source


def test_the_lessons_docks_keep_their_width_when_the_layout_and_the_pages_change(qtbot, make_window):
    """They share the palette's column, which the layouts size for the palette (about 200 px)."""
    from desktop_app.lesson.controller import EDITOR_WIDTH, PANE_WIDTH

    window = make_window()
    window.resize(1440, 900)
    lessons = window.lessons
    assert lessons.open_builtin()  # a lesson about the steps: the Step through layout
    for index in (7, 8, 2):
        lessons.student.go(index)
        qtbot.wait(100)  # the dock area is laid out after the page's panels
        assert lessons.student_dock.width() >= PANE_WIDTH, index
        assert lessons.student.question.check_button.isVisible()
    window.layouts.actions["build"].trigger()
    qtbot.wait(100)
    assert lessons.student_dock.isVisible() and lessons.student_dock.width() >= PANE_WIDTH
    menu_action(window, "Edit This Lesson").trigger()
    qtbot.wait(100)
    assert lessons.editor_dock.isVisible() and lessons.editor_dock.width() >= EDITOR_WIDTH


def test_a_handout_prints_the_formula_card_at_a_page_width_not_the_docks(qtbot, make_window):
    from desktop_app.lesson.frames import CARD_WIDTH, card_image

    window = make_window()
    window.resize(1400, 900)
    assert window.lessons.open_builtin()
    window.lessons.student.go(9)  # ∇a_2: a short equation, a long line of meaning under it
    card = window.steps.scroll.widget()
    viewport = window.steps.scroll.viewport()
    qtbot.waitUntil(lambda: card.size() == viewport.size(), timeout=5000)  # the card fills the dock
    assert card.width() > CARD_WIDTH + 100  # which spans the window
    wide = card_image(window, width=10_000)
    narrow = card_image(window)
    assert wide.width() > 2 * (CARD_WIDTH + 100)  # laid out at the dock's width, its text on one long line
    assert narrow.width() <= 2 * CARD_WIDTH and narrow.height() > wide.height()  # the text wraps instead
    assert card.size() == viewport.size()  # the panel on screen is as it was
    qtbot.wait(100)
    assert card.size() == viewport.size()


def test_the_screenshot_command_stages_a_lesson_page(qtbot):
    """What the README's lesson screenshots show: a page answered, and the editor on a page."""
    from core.io.resources import lesson_path
    from desktop_app.screenshot import staged_window

    _, window = staged_window(str(lesson_path()), page=8, lesson_answer="- + -")
    qtbot.addWidget(window)
    pane = window.lessons.student
    assert pane.page_title.text().startswith("Back into layer 2")
    assert pane.question.feedback.text().startswith("Right: signs of ∇h₂ L: - + -")
    assert window.steps.player.current.quantity == "grad_h2"
    window.close()
    _, window = staged_window(str(lesson_path()), page=8, edit=True)
    qtbot.addWidget(window)
    assert window.lessons.mode == "author" and window.lessons.editor.current == 7
    assert window.lessons.editor.page_title.text().startswith("Back into layer 2")
    window.close()


def test_a_goal_is_checked_live_while_the_learner_trains(qtbot, make_window, tmp_path):
    from core.engine.network import Network
    from core.lesson.lesson_file import new_lesson, save_lesson
    from core.lesson.model import Page, PageState
    from core.lesson.questions import GoalQuestion

    lesson = new_lesson(Network([2, 6, 2], "tanh", "softmax_cross_entropy", seed=1), title="Reach it")
    goal = GoalQuestion(prompt="Get the training loss below 0.6 on xor with at most 6 hidden units.",
                        metric="train_loss", target=0.6, dataset="xor", max_hidden_units=6)
    lesson.pages.append(Page("Train it", "Press **Step epoch** until the goal is reached.",
                             PageState(panels=("training", "plots"), network="keep"), goal))
    save_lesson(lesson, tmp_path / "goal.json")
    window = make_window()
    assert window.lessons.open_path(tmp_path / "goal.json")
    pane, box = window.lessons.student, window.lessons.student.question
    assert box.goal.isVisible() and "train loss at most 0.6 on xor with at most 6 hidden units" in box.goal.text()
    click(qtbot, box.check_button)  # nothing trained yet
    assert "not measured yet" in box.feedback.text() and not pane.session.solved()
    assert pane.session.progress.attempts == {}  # a goal not reached yet is no wrong answer
    window.training.form.set_dataset("xor")
    button = window.training.controls.epoch_button
    for _ in range(40):
        qtbot.waitUntil(button.isEnabled, timeout=20000)  # the data is made in the background first
        click(qtbot, button)
        qtbot.waitUntil(lambda: not window.training.is_training, timeout=10000)
        qtbot.wait(300)  # the goal is checked a moment after the weights move
        if pane.session.solved():
            break
    assert pane.session.solved(), box.feedback.text()
    assert box.feedback.text().startswith("Goal reached: dataset xor")
    assert "6 hidden units (at most 6)" in box.feedback.text()
    summary = pane.session.summary()
    assert summary["questions"][0]["correct"] and summary["questions"][0]["first_try"]
    assert summary["questions"][0]["answers"][0].startswith("Goal reached")


def test_a_page_after_training_records_its_epochs_and_shows_them(qtbot, make_window):
    from core.io.network_file import load_network
    from core.io.resources import example_path

    network, extras = load_network(example_path("spiral-classifier"))
    window = make_window()
    assert window.files.open_example(example_path("spiral-classifier"))  # File ▸ Open Example ▸ Spiral
    lessons = window.lessons
    menu_action(window, "New Lesson").trigger()
    assert lessons.lesson.network_extras["setup"] == extras["setup"]  # the setup travels with the lesson
    untrained = [p.copy() for p in window.document.network.parameters()]
    window.layouts.actions["train"].trigger()  # the Train layout, from the toolbar
    assert lessons.editor_dock.isVisible()  # the lesson editor stays
    button = window.training.controls.epoch_button
    for _ in range(3):
        qtbot.waitUntil(button.isEnabled, timeout=20000)  # the data is made in the background first
        click(qtbot, button)
        qtbot.waitUntil(lambda: not window.training.is_training, timeout=20000)
    qtbot.waitUntil(lambda: window.training.history.last_epoch == 3, timeout=5000)
    trained = [p.copy() for p in window.document.network.parameters()]
    click(qtbot, lessons.editor.add_button)
    page = lessons.lesson.pages[0]
    assert page.state.epochs == 3 and page.title == "After 3 epochs"
    assert lessons.editor.epochs.value() == 3
    click(qtbot, lessons.editor.preview_button)  # the learner sees the weights after 3 epochs
    for p, q in zip(window.document.network.parameters(), trained):
        np.testing.assert_allclose(p, q, rtol=1e-9, atol=1e-12)
    assert not np.allclose(window.document.network.W(1), untrained[0])
    click(qtbot, lessons.student.back_to_editing)
    lessons.editor.epochs.setValue(0)  # the teacher changes it: the page shows the lesson's own weights
    assert lessons.lesson.pages[0].state.epochs is None


def test_a_lesson_with_features_and_l2_shows_and_grades_the_same_numbers(qtbot, make_window, tmp_path):
    """The lesson's setup comes with its network: the step-through shows the loss with the penalty
    λ Σ_k R(W_k) and the learner is graded against that number."""
    from core.engine.network import Network
    from core.lesson.lesson_file import new_lesson, save_lesson
    from core.lesson.model import Page, PageState
    from core.lesson.questions import NumberQuestion
    from core.stepthrough.notation import Element
    from core.training.setup import TrainingSetup

    network = Network([3, 4, 2], ["tanh"], "softmax_cross_entropy", seed=5,
                      features=["x1", "x2_squared", "sin_x1"], input_width=2)
    setup = TrainingSetup(dataset="xor", optimizer="sgd", regularization="l2", rate=0.05)
    lesson = new_lesson(network, {"example": {"input": [0.5, -1.5], "target": [1, 0]}, "setup": setup}, "Penalised")
    lesson.pages.append(Page("The loss", "", PageState(step="loss"),
                             NumberQuestion(prompt="L?", answer=Element("loss"), tolerance=1e-6)))
    save_lesson(lesson, tmp_path / "penalised.json")
    window = make_window()
    assert window.files.open_path(tmp_path / "penalised.json", ask=False)
    assert window.document.setup.penalty == ("l2", 0.05)  # the lesson's setup (completed by the training form)
    assert window.document.network.features == ["x1", "x2_squared", "sin_x1"]
    shown = window.document.trace
    assert shown.penalty > 0 and shown.loss == window.lessons.session.trace_for(0).loss
    box = window.lessons.student.question
    type_into(qtbot, box.line, f"{shown.loss - shown.penalty:.8f}")  # the loss without the penalty: wrong
    click(qtbot, box.check_button)
    assert "Not quite" in box.feedback.text()
    click(qtbot, box.retry_button)
    type_into(qtbot, box.line, f"{shown.loss:.8f}")
    click(qtbot, box.check_button)
    assert box.feedback.text().startswith("Right")
    assert window.steps.player.current.quantity == "loss"


def test_a_page_from_the_feature_step_of_a_network_with_features(qtbot, make_window, tmp_path, monkeypatch):
    from core.engine.network import Network
    from core.training.setup import TrainingSetup

    network = Network([3, 4, 2], ["tanh"], "softmax_cross_entropy", seed=5,
                      features=["x1", "x2_squared", "sin_x1"], input_width=2)
    window = make_window(network, None, ([0.5, -1.5], [1, 0]))
    window.document.set_setup(TrainingSetup(dataset="xor", regularization="l1", rate=0.01), as_saved=True)
    menu_action(window, "New Lesson").trigger()
    window.steps_dock.show()
    step_to(qtbot, window, "h0")  # h_0 = φ(x), the first step of a network with features
    click(qtbot, window.lessons.editor.add_button)
    path = tmp_path / "phi.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    click(qtbot, window.lessons.editor.save_button)
    saved = load_lesson(path)  # checked like any lesson file: h0 is a step this network has
    assert saved.pages[0].state.step == "h0" and saved.network.features == ["x1", "x2_squared", "sin_x1"]
    assert saved.network_extras["setup"].penalty == ("l1", 0.01)
    menu_action(window, "Close Lesson").trigger()
    assert window.files.open_path(path, ask=False)
    assert window.steps.player.current.quantity == "h0"
