"""Following a lesson without the GUI: pages, answers, remembered progress and the summary handed in."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from core.lesson.lesson_file import new_lesson
from core.lesson.model import Page, PageState
from core.lesson.progress import load_progress, progress_path
from core.lesson.questions import ChoiceQuestion, NumberQuestion, SignsQuestion
from core.lesson.session import LessonSession
from core.lesson.summary import CSV_COLUMNS, save_summary, summary_csv
from core.stepthrough.notation import Element


@pytest.fixture
def lesson(textbook):
    network, extras = textbook
    lesson = new_lesson(network, extras, "Three pages")
    lesson.pages += [
        Page("Loss", "", PageState(step="loss"), NumberQuestion(prompt="L?", answer=Element("loss"))),
        Page("Reading", "No question here."),
        Page("Signs", "", PageState(step="grad_h2"), SignsQuestion(prompt="signs of ∇h_2", quantity="grad_h2")),
        Page("Formula", "", question=ChoiceQuestion(prompt="=SUM(A1)", options=["=1+1", "@me"], answer=1)),
    ]
    return lesson


def test_a_learner_moves_answers_and_the_progress_is_remembered(lesson, registry):
    session = LessonSession(lesson, registry)
    assert session.index == 0 and not session.solved()
    assert not session.answer("0.43").correct  # the notes' rounding: outside ±0.0005
    assert session.answer("0.4391").correct
    session.next()
    session.next()
    assert not session.answer("+ + -").correct
    session.back()
    assert session.index == 1
    again = LessonSession(lesson, registry)  # the app was closed and opened again
    assert again.index == 1 and again.solved(0) and not again.solved(2)
    assert [a.given for a in again.progress.attempts[0]] == ["0.43", "0.4391"]
    assert progress_path(lesson.id).is_file()


def test_progress_files_from_anyone_never_stop_a_lesson(lesson, registry):
    session = LessonSession(lesson, registry)
    session.answer("0.4391")
    path = progress_path(lesson.id)
    for junk in ("{not json", json.dumps([1, 2]), json.dumps({"format": "x"}),
                 json.dumps({"format": "backprop-studio-lesson-progress", "lesson": lesson.id, "page": 999,
                             "attempts": {"0": [{"given": 5, "correct": "yes"}], "77": [], "x": None},
                             "visited": ["a", -1, 2]})):
        path.write_text(junk)
        progress = load_progress(lesson.id, len(lesson.pages))
        assert progress.page == 0 and progress.attempts == {} and progress.visited <= {2}


def test_the_id_in_a_file_is_never_a_path(lesson):
    lesson.id = "../../../../etc/passwd"
    path = progress_path(lesson.id)
    assert path.parent.name == "lesson-progress" and ".." not in path.name


def test_the_summary_lists_every_question_with_the_answers_given(lesson, registry, tmp_path):
    session = LessonSession(lesson, registry, remember=False)
    session.answer("0.5")
    session.answer("0.4391")
    session.go(2)
    session.answer("- + -")
    session.go(3)
    session.answer("2")
    assert session.reveal() == "option 1: =1+1"
    summary = session.summary()
    assert summary["lesson"]["title"] == "Three pages"
    assert summary["score"] == {"questions": 3, "correct": 2, "first_try": 1}
    rows = {row["page"]: row for row in summary["questions"]}
    assert set(rows) == {1, 3, 4}  # the reading page asks nothing
    assert rows[1]["answers"] == ["0.5", "0.4391"] and rows[1]["correct"] and not rows[1]["first_try"]
    assert rows[1]["expected"] == "L = 0.4391"
    assert rows[3]["first_try"] and rows[3]["expected"] == "signs of ∇h₂ L: - + -"
    assert not rows[4]["correct"] and rows[4]["revealed"]

    save_summary(summary, tmp_path / "summary.json")
    assert json.loads((tmp_path / "summary.json").read_text())["score"]["correct"] == 2
    save_summary(summary, tmp_path / "summary.csv")
    table = list(csv.reader(io.StringIO((tmp_path / "summary.csv").read_text())))
    assert tuple(table[0]) == CSV_COLUMNS and len(table) == 4
    by_page = {row[0]: dict(zip(CSV_COLUMNS, row)) for row in table[1:]}
    assert by_page["1"]["first_answer"] == "0.5" and by_page["1"]["last_answer"] == "0.4391"
    assert by_page["1"]["correct"] == "yes" and by_page["1"]["first_try"] == "no"
    # text from the lesson or the learner that a spreadsheet would run is quoted; numbers stay numbers
    assert by_page["4"]["prompt"] == "'=SUM(A1)" and by_page["4"]["expected"] == "option 1: =1+1"
    assert by_page["3"]["first_answer"] == "'- + -"
    assert "-0.5" in summary_csv({"questions": [{**rows[1], "answers": ["-0.5"]}]}).splitlines()[1].split(",")


def test_a_lesson_whose_plugin_is_missing_still_opens_and_says_why(lesson, registry):
    lesson.network.set_activation(1, "softsign")  # a third-party activation this host does not have
    session = LessonSession(lesson, registry, remember=False)
    assert session.trace_for(0) is None and "softsign" in session.trace_error
    assert "could not be traced" in session.expected(0)


def test_a_page_after_n_epochs_shows_and_grades_the_trained_network(registry):
    from core.io.network_file import load_network
    from core.io.resources import example_path
    from core.training.runner import SetupRun

    network, extras = load_network(example_path("spiral-classifier"))
    extras = {**extras, "example": {"input": [0.5, -0.25], "target": [1, 0]}}
    lesson = new_lesson(network, extras, "Watch it learn")
    lesson.pages += [Page("Before", "", PageState(step="loss"), NumberQuestion(prompt="L?", answer=Element("loss"))),
                     Page("After 30 epochs", "", PageState(step="loss", epochs=30),
                          NumberQuestion(prompt="L now?", answer=Element("loss"), tolerance=1e-6))]
    session = LessonSession(lesson, registry, remember=False)
    trained = network.copy()
    SetupRun(trained, extras["setup"], registry, epochs=30).trainer.run()  # the same run, made here
    after = session.network_for(1)
    for p, q in zip(after.parameters(), trained.parameters()):
        np.testing.assert_array_equal(p, q)
    assert not np.allclose(after.W(1), network.W(1)) and np.array_equal(session.network_for(0).W(1), network.W(1))
    before, later = session.trace_for(0).loss, session.trace_for(1).loss
    assert later != before
    session.go(1)
    assert session.answer(f"{later:.8f}").correct and not session.answer(f"{before:.8f}").correct


def test_a_training_state_that_cannot_be_computed_says_why(textbook, registry):
    from core.training.setup import TrainingSetup

    network, extras = textbook
    lesson = new_lesson(network, {**extras, "setup": TrainingSetup(dataset="xor")}, "Wrong data")
    lesson.pages.append(Page("After 5 epochs", "", PageState(epochs=5),
                             NumberQuestion(prompt="L?", answer=Element("loss"))))
    session = LessonSession(lesson, registry, remember=False)
    assert session.trace_for(0) is None  # xor has 2 inputs, the network 3
    assert "after 5 epochs cannot be computed" in session.trace_error


def test_a_lesson_on_a_network_with_features_and_l2_grades_what_the_step_through_shows(registry, tmp_path):
    """Its network reads x through φ(x) and its setup penalises the weights: the loss and ∇W_k
    a page asks about include λ Σ_k R(W_k), as in the app's step-through and `trace`; the file
    keeps both through saving and opening."""
    from core.engine.network import Network
    from core.engine.passes import run_trace
    from core.lesson.lesson_file import load_lesson, save_lesson
    from core.training.setup import TrainingSetup

    network = Network([3, 4, 2], ["tanh"], "softmax_cross_entropy", seed=5,
                      features=["x1", "x2_squared", "sin_x1"], input_width=2)
    setup = TrainingSetup(dataset="xor", optimizer="sgd", regularization="l2", rate=0.05)
    lesson = new_lesson(network, {"example": {"input": [0.5, -1.5], "target": [1, 0]}, "setup": setup}, "Features")
    lesson.pages += [Page("Loss", "", PageState(step="loss"), NumberQuestion(prompt="L?", answer=Element("loss"),
                                                                            tolerance=1e-9)),
                     Page("Weights", "", PageState(step="grad_W1"),
                          NumberQuestion(prompt="?", answer=Element("grad_W1", (2, 2)), tolerance=1e-9))]
    save_lesson(lesson, tmp_path / "features.json")
    opened = load_lesson(tmp_path / "features.json")
    assert opened.network.features == ["x1", "x2_squared", "sin_x1"] and opened.network_extras["setup"] == setup

    session = LessonSession(opened, registry, remember=False)
    shown = run_trace(network, [0.5, -1.5], [1, 0], registry, ("l2", 0.05))  # what the window's document traces
    plain = run_trace(network, [0.5, -1.5], [1, 0], registry)
    trace = session.trace_for(0)
    np.testing.assert_allclose(trace.h[0][0], [0.5, 2.25, np.sin(0.5)], rtol=1e-15)  # h_0 = φ(x)
    assert trace.loss == shown.loss and trace.loss == pytest.approx(plain.loss + 0.05 * sum(
        0.5 * float(np.vdot(W, W)) for W in network.weights), rel=1e-12)
    assert session.answer(f"{shown.loss:.12f}").correct and not session.answer(f"{plain.loss:.12f}").correct
    session.go(1)
    with_penalty = shown.grad_W[1][1, 1]
    assert with_penalty == pytest.approx(plain.grad_W[1][1, 1] + 0.05 * network.W(1)[1, 1], rel=1e-12)
    assert session.answer(f"{with_penalty:.12f}").correct


def test_a_page_that_would_train_too_long_is_refused_before_training(textbook, registry):
    from core.engine.network import Network
    from core.lesson.training import LessonTrainingError, trained_network
    from core.training.setup import TrainingSetup

    setup = TrainingSetup(dataset="xor", samples=20_000, batch_size=1)  # 16,000 steps an epoch
    lesson = new_lesson(Network([2, 3, 2], "tanh", seed=0),
                        {"example": {"input": [0.5, -1.0], "target": [1, 0]}, "setup": setup}, "Long")
    with pytest.raises(LessonTrainingError, match="1,600,000 training steps"):
        trained_network(lesson, 100, registry)
    assert trained_network(lesson, 1, registry) is not None  # one epoch is within the bound


def test_a_page_whose_plugin_hangs_is_given_up_on_within_the_time_limit(monkeypatch):
    import time

    import pluggy

    from core.engine.network import Network
    from core.lesson.training import LessonTrainingError, trained_network
    from core.plugin_host.host import PluginHost
    from core.training.setup import TrainingSetup

    hookimpl = pluggy.HookimplMarker("backprop_studio")
    stuck = [False]

    class Stuck:
        @hookimpl
        def register_activations(self, register):
            def g(a):
                while stuck[0]:  # never returns once the test says so (Python code: the guard stops it)
                    pass
                return np.tanh(a)
            register(name="stuck", fn=g, derivative=lambda a: 1 - np.tanh(a) ** 2)

    host = PluginHost(use_entry_points=False).load()
    host.add_plugin(Stuck(), "stuck")
    lesson = new_lesson(Network([2, 3, 2], "stuck", seed=0),
                        {"example": {"input": [0.5, -1.0], "target": [1, 0]}, "setup": TrainingSetup(dataset="xor")},
                        "Stuck")
    monkeypatch.setenv("BACKPROP_STUDIO_PLUGIN_TIME_LIMIT", "0.5")
    stuck[0] = True
    try:
        start = time.perf_counter()
        with pytest.raises(LessonTrainingError, match="not computed within 0.5 s"):
            trained_network(lesson, 5, host.registry)
        assert time.perf_counter() - start < 5
    finally:
        stuck[0] = False
