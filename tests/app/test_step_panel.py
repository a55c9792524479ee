"""The step player as a learner uses it: press Step, read the formula panel."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.io.network_file import example_arrays
from core.stepthrough.explain import explain, terms_text
from desktop_app.animation.paths_view import PathsDialog
from desktop_app.animation.step_panel import StepPanel
from desktop_app.document import Document

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def document(textbook, host):
    network, extras = textbook
    return Document(network, host, example=example_arrays(extras))


@pytest.fixture
def panel(qtbot, document):
    widget = StepPanel(document)
    qtbot.addWidget(widget)
    widget.resize(1000, 300)
    widget.show()
    return widget


def trace_json() -> dict:
    exe = Path(sys.executable).parent / "backprop-studio"
    out = subprocess.run([str(exe), "trace", str(ROOT / "resources/examples/textbook.json"), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_stepping_the_textbook_shows_every_formula_and_value_of_trace_json(qtbot, panel):
    data = trace_json()
    values = {**data["forward"], **data["backward"]}
    seen = []
    panel.step_changed.connect(seen.append)
    for expected in data["steps"]:
        qtbot.mouseClick(panel.forward_button, Qt.LeftButton)
        view = seen[-1]
        assert view.step.quantity == expected["quantity"]
        assert view.step.formula == expected["formula"]
        got = np.asarray(view.step.values, dtype=float)
        np.testing.assert_allclose(got.reshape(np.shape(values[expected["quantity"]])),
                                   values[expected["quantity"]], rtol=0, atol=1e-15)
        # what the learner reads is the explanation of that very step
        explanation = explain(view.step, panel.player.trace)
        assert panel.numbers.text() == "\n".join(terms_text(line) for line in explanation.lines)
        assert panel.numbers.text().splitlines()[0].endswith("= " + explanation.result)
        assert not panel.formula.pixmap().isNull(), "the formula is typeset, not raw LaTeX"
    assert "[-0.2843, 0.0355, -0.1066]" in [v.explanation.result for v in seen if v.step.quantity == "grad_h2"][0]
    # then the update, and the end
    for _ in range(3):
        qtbot.mouseClick(panel.forward_button, Qt.LeftButton)
    assert seen[-1].step.phase == "update" and panel.player.at_end


def test_step_back_restores_the_previous_state(qtbot, panel):
    seen = []
    panel.step_changed.connect(seen.append)
    for _ in range(9):
        qtbot.mouseClick(panel.forward_button, Qt.LeftButton)
    before = seen[-2]
    qtbot.mouseClick(panel.back_button, Qt.LeftButton)
    after = seen[-1]
    assert after.step == before.step and after.revealed == before.revealed
    assert after.highlight == before.highlight
    assert panel.numbers.text() == "\n".join(terms_text(line) for line in before.explanation.lines)


def test_granularity_scrubber_and_jumps(qtbot, panel):
    panel.granularity.setCurrentIndex(2)  # whole pass
    qtbot.mouseClick(panel.forward_button, Qt.LeftButton)
    assert panel.player.current.quantity == "loss"
    panel.scrubber.setValue(12)
    assert panel.player.position == 12 and panel.player.current.quantity == "grad_a2"
    qtbot.mouseClick(panel.end_button, Qt.LeftButton)
    assert panel.player.at_end
    qtbot.mouseClick(panel.start_button, Qt.LeftButton)
    assert panel.player.position == 0 and "Press" in panel.hint.text() and not panel.numbers.text()


def test_play_runs_to_the_end_and_pauses(qtbot, panel):
    panel.speed.setValue(10)
    panel.play_timer.setInterval(5)
    panel.granularity.setCurrentIndex(1)
    panel.play()
    panel.play_timer.setInterval(5)
    qtbot.waitUntil(lambda: panel.player.at_end, timeout=5000)
    qtbot.waitUntil(lambda: not panel.play_timer.isActive(), timeout=2000)
    assert not panel.playing and panel.play_button.text() == "Play"


def test_an_edit_rebuilds_the_steps_from_the_new_trace(qtbot, panel, document):
    panel.seek_quantity("a1")
    document.network.set_weight(1, 0, 0, 1.0)  # a_1[1] changes from -2.2 to -0.4
    assert panel.player.current.quantity == "a1"
    assert panel.numbers.text().endswith("= [-0.4, -0.1, 5.3]")


def test_check_yourself_asks_before_revealing(qtbot, panel):
    quiz = panel.quiz
    panel.quiz_toggle.setChecked(True)
    qtbot.mouseClick(panel.forward_button, Qt.LeftButton)
    assert quiz.isVisible() and panel.player.position == 0
    assert quiz.answer.placeholderText() == "a number, e.g. -0.28"
    assert "a₁," in quiz.prompt.text()  # asks about one element of a_1, named like everywhere
    assert not panel.numbers.text(), "the numbers of the step asked about stay hidden"
    # an empty answer is not graded and does not advance
    qtbot.mouseClick(quiz.check_button, Qt.LeftButton)
    assert panel.player.position == 0 and quiz.awaiting and "Type" in quiz.verdict.text()
    answer = quiz.question.answer
    qtbot.keyClicks(quiz.answer, f"{answer:.4f}")
    qtbot.mouseClick(quiz.check_button, Qt.LeftButton)
    assert "Right" in quiz.verdict.text()
    assert panel.player.position == 1 and quiz.isVisible() and panel.numbers.text()
    assert quiz.score_label.text().startswith("Score: 1 / 1")

    qtbot.mouseClick(panel.forward_button, Qt.LeftButton)  # next question
    qtbot.keyClicks(quiz.answer, "12345")
    qtbot.mouseClick(quiz.check_button, Qt.LeftButton)
    assert "Not quite" in quiz.verdict.text() and panel.player.position == 1, "a wrong answer does not advance"
    assert quiz.retry_button.isVisible() and quiz.reveal_button.isVisible()
    assert str(round(quiz.question.answer, 4)) not in quiz.verdict.text()
    qtbot.mouseClick(quiz.retry_button, Qt.LeftButton)
    assert quiz.awaiting and not quiz.answer.text()
    qtbot.mouseClick(quiz.reveal_button, Qt.LeftButton)
    assert panel.player.position == 2 and "The value is" in quiz.verdict.text()
    assert quiz.score_label.text() == "Score: 1 / 2 right at the first try, 1 revealed"

    quiz.kind.setCurrentText("sign")
    qtbot.mouseClick(panel.forward_button, Qt.LeftButton)
    assert quiz.answer.placeholderText() == "+, - or 0" and "sign" in quiz.prompt.text()
    qtbot.keyClicks(quiz.answer, "maybe")
    qtbot.mouseClick(quiz.check_button, Qt.LeftButton)
    assert panel.player.position == 2 and quiz.awaiting, "an answer that is not a sign is not graded"


def test_paths_dialog_shows_three_agreeing_values(qtbot, document):
    dialog = PathsDialog(document, 1, 2, 0)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 6
    assert "W₁,₃,₁" in dialog.summary.text() and "The three agree" in dialog.summary.text()
    report = dialog.report
    assert report.path_sum == pytest.approx(report.matrix_value, abs=1e-15)
    assert dialog.table.item(0, 0).text() == "a₁,₃ → a₂,₁ → a₃,₁ → L"


def test_a_hidden_panel_catches_up_when_shown_or_used(qtbot, panel, document):
    panel.hide()
    document.network.set_weight(1, 0, 0, 1.0)  # while hidden (training in the other tab)
    panel.seek_quantity("a1")  # using it catches up at once
    assert panel.numbers.text().endswith("= [-0.4, -0.1, 5.3]")
    panel.hide()
    document.network.set_weight(1, 0, 0, 0.1)
    panel.show()
    assert panel.numbers.text().endswith("= [-2.2, -0.1, 5.3]")
