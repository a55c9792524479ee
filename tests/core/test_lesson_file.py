"""The lesson file: exact round trips, every entry checked against the network, hostile input refused."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from core.io.network_file import load_network
from core.lesson.fields import LessonFormatError
from core.lesson.lesson_file import (
    LESSON_FORMAT,
    LESSON_VERSION,
    MAX_PAGES,
    lesson_from_dict,
    lesson_to_dict,
    load_lesson,
    load_network_or_lesson,
    new_lesson,
    save_lesson,
)
from core.lesson.model import Lesson, Page, PageState
from core.lesson.questions import ChoiceQuestion, GoalQuestion, NumberQuestion, SignsQuestion
from core.stepthrough.notation import Element
from core.training.setup import TrainingSetup

TEXTBOOK = Path(__file__).resolve().parents[2] / "resources" / "examples" / "textbook.json"


@pytest.fixture
def lesson() -> Lesson:
    network, extras = load_network(TEXTBOOK)
    extras["setup"] = TrainingSetup(dataset="xor", optimizer="sgd", hyperparameters={"lr": 0.3})  # for page 4
    lesson = new_lesson(network, extras, "Backprop by hand")
    lesson.author, lesson.description = "A teacher", "Three pages about $\\nabla h_2$."
    lesson.pages += [
        Page("The forward pass", "Compute $a_1 = b_1 + W_1 h_0$.\n\n- first\n- second",
             PageState(step="a1", element=Element("h1", (3,)), panels=("steps", "inspector"),
                       locked=("editing", "training")),
             NumberQuestion(prompt="What is $a_{1,3}$?", answer=Element("a1", (3,)), tolerance=0.01,
                            hint="Row 3 of $W_1$ times $x$.",
                            explanation="$0.8 \\cdot 2 + 0.5 \\cdot 5 + 0.4 \\cdot 3$")),
        Page("Signs", "", PageState(step="grad_h2", element=Element("W2", (1, 3))),
             SignsQuestion(prompt="Signs of $\\nabla h_2$?", quantity="grad_h2")),
        Page("Why", "", PageState(step="end", network="keep"),
             ChoiceQuestion(prompt="Which is right?", options=["the notes", "the app"], answer=2)),
        Page("Goal", "", PageState(step="start", epochs=50),
             GoalQuestion(prompt="Reach it", metric="test_accuracy", target=0.9, dataset="spiral",
                          max_hidden_units=6)),
        Page("Literal", "no state", PageState(), NumberQuestion(prompt="1 + 1?", answer=2.0)),
    ]
    return lesson


def test_round_trip_keeps_everything(lesson, tmp_path):
    path = tmp_path / "lesson.json"
    save_lesson(lesson, path)
    loaded = load_lesson(path)
    assert lesson_to_dict(loaded) == lesson_to_dict(lesson)
    assert loaded.id == lesson.id and loaded.title == "Backprop by hand"
    assert loaded.pages[0].state.element == Element("h1", (3,))
    assert loaded.pages[1].state.element == Element("W2", (1, 3))
    assert loaded.pages[0].question.answer == Element("a1", (3,))
    assert loaded.pages[3].state.epochs == 50 and loaded.pages[2].state.network == "keep"
    assert loaded.example == ([2, 5, 3], [1, 0])  # the network's example came along
    assert loaded.network_extras["setup"] == lesson.network_extras["setup"]  # and its training setup
    for p, q in zip(loaded.network.parameters(), lesson.network.parameters()):
        assert p.tobytes() == q.tobytes()
    again = tmp_path / "again.json"
    save_lesson(loaded, again)
    assert again.read_bytes() == path.read_bytes()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == LESSON_FORMAT and data["version"] == LESSON_VERSION
    assert data["network"]["format"] == "backprop-studio-network"  # a whole network file inside
    assert data["pages"][1]["state"]["element"] == "W2[1,3]"  # the app's stable element names
    assert data["pages"][0]["question"]["answer"] == "a1[3]"


def test_a_file_is_read_as_what_it_is(lesson, tmp_path):
    path = tmp_path / "lesson.json"
    save_lesson(lesson, path)
    assert isinstance(load_network_or_lesson(path), Lesson)
    network, extras = load_network_or_lesson(TEXTBOOK)
    assert network.sizes == [3, 3, 3, 2] and extras["example"]["input"] == [2, 5, 3]
    with pytest.raises(LessonFormatError, match="not a Backprop Studio lesson file"):
        load_lesson(TEXTBOOK)


def broken(lesson: Lesson, change) -> dict:
    data = copy.deepcopy(lesson_to_dict(lesson))
    change(data)
    return data


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(version=2), "newer than this program reads"),
    (lambda d: d.update(version="1"), "no valid format version"),
    (lambda d: d.update(format="something"), "not a Backprop Studio lesson"),
    (lambda d: d.pop("title"), "has no 'title'"),
    (lambda d: d.update(title="two\nlines"), "a line break"),
    (lambda d: d.update(title="x" * 201), "at most 200"),
    (lambda d: d["pages"][0].update(text="bell \x07"), "U+0007"),
    (lambda d: d["pages"][0].update(text=["not", "text"]), "must be text"),
    (lambda d: d["pages"][0].update(text="$" + "x" * 1001 + "$"), "1001 characters long (at most 1000)"),
    (lambda d: d.update(pages={}), "no list of 'pages'"),
    (lambda d: d["pages"][0]["state"].update(step="grad_h7"), "no step 'grad_h7'"),
    (lambda d: d["pages"][0]["state"].update(step="h3"), "no step 'h3'"),  # h_L is not a quantity: ŷ is
    (lambda d: d["pages"][0]["state"].update(panels=["palette", "secret"]), "unknown name 'secret'"),
    (lambda d: d["pages"][0]["state"].update(locked=["everything"]), "unknown name 'everything'"),
    (lambda d: d["pages"][0]["state"].update(element="h1[4]"), "h1[4] does not fit h1 (3)"),
    (lambda d: d["pages"][0]["state"].update(element="W0[1,1]"), "no quantity 'W0'"),
    (lambda d: d["pages"][0]["state"].update(element="W1[1]"), "W1[1] does not fit W1 (3 × 3)"),
    (lambda d: d["pages"][0]["state"].update(element="W1[0,1]"), "indices count from 1"),
    (lambda d: d["pages"][0]["state"].update(element="loss"), "must name a neuron, a weight or a bias"),
    (lambda d: d["pages"][0]["state"].update(element={"neuron": [1, 1]}), "'element' must be text"),
    (lambda d: d["pages"][0]["state"].update(network="mine"), "\"lesson\" or \"keep\""),
    (lambda d: d["pages"][3]["state"].update(training={"epochs": 10**9}), "at most 2000"),
    (lambda d: d["network"].pop("setup"), "page 4, state: a training state needs the training setup"),
    (lambda d: d["pages"][0]["question"].update(kind="essay"), "'kind' must be one of"),
    (lambda d: d["pages"][0]["question"].update(prompt=""), "'prompt' is empty"),
    (lambda d: d["pages"][0]["question"].update(answer="grad_W9[1,1]"), "no quantity 'grad_W9'"),
    (lambda d: d["pages"][0]["question"].update(answer="a1[4]"), "a1[4] does not fit a1"),
    (lambda d: d["pages"][0]["question"].update(answer="a1[1,1]"), "does not fit a1"),
    (lambda d: d["pages"][0]["question"].update(answer="loss[1]"), "a single number, without an index"),
    (lambda d: d["pages"][0]["question"].update(answer="a1[x]"), "not an element name"),
    (lambda d: d["pages"][0]["question"].update(tolerance=-1), "at least 0"),
    (lambda d: d["pages"][0]["question"].update(tolerance=True), "finite number"),
    (lambda d: d["pages"][1]["question"].update(quantity="grad_W2"), "needs a vector"),
    (lambda d: d["pages"][2]["question"].update(answer=3), "at most 2"),
    (lambda d: d["pages"][2]["question"].update(options=["only one"]), "2 to 12"),
    (lambda d: d["pages"][3]["question"].update(target=90), "fraction between 0 and 1"),
    (lambda d: d["pages"][3]["question"].update(metric="happiness"), "'metric' must be one of"),
    (lambda d: d["network"]["parameters"].pop("W2"), "the lesson's network: parameters: W2 is missing"),
    (lambda d: d["network"].pop("example"), "network has no 'example'"),
])
def test_bad_entries_are_refused_with_a_message_naming_them(lesson, change, words):
    with pytest.raises(LessonFormatError) as info:
        lesson_from_dict(broken(lesson, change))
    assert words in str(info.value)


def test_too_many_pages_are_refused_before_reading_them(lesson):
    data = broken(lesson, lambda d: d.update(pages=[None] * (MAX_PAGES + 1)))
    with pytest.raises(LessonFormatError, match=f"at most {MAX_PAGES}"):
        lesson_from_dict(data)


def test_a_lesson_declaring_a_huge_network_is_refused_before_allocating(lesson):
    def huge(d):
        d["network"]["network"]["sizes"] = [4096] * 3
    with pytest.raises(LessonFormatError, match="parameters"):
        lesson_from_dict(broken(lesson, huge))


def test_markup_and_hostile_text_are_kept_as_typed(lesson, tmp_path):
    hostile = "<img src=/dev/zero> <b>bold?</b> &amp; ${}\\$ `<script>` [link](http://x)"
    lesson.pages[0].text = hostile
    lesson.pages[0].title = "<h1>title</h1>"
    path = tmp_path / "hostile.json"
    save_lesson(lesson, path)
    loaded = load_lesson(path)
    assert loaded.pages[0].text == hostile and loaded.pages[0].title == "<h1>title</h1>"


def test_unreadable_files_get_one_message(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    for path, words in ((tmp_path / "missing.json", "no such file"), (empty, "empty"),
                        (tmp_path, "is a folder")):
        with pytest.raises(LessonFormatError, match=words):
            load_lesson(path)
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"format": "backprop-studio-lesson", "pages": [')
    with pytest.raises(LessonFormatError, match="truncated"):
        load_lesson(truncated)


def test_page_operations_are_inverse_of_each_other(lesson):
    titles = [p.title for p in lesson.pages]
    lesson.move_page(0, 2)
    assert [p.title for p in lesson.pages] == [titles[1], titles[2], titles[0], titles[3], titles[4]]
    lesson.move_page(2, 0)
    assert [p.title for p in lesson.pages] == titles
    copy_ = lesson.pages[1].duplicate()
    copy_.question.prompt = "changed"
    assert lesson.pages[1].question.prompt != "changed"  # a duplicate shares nothing
    lesson.insert_page(2, copy_)
    assert lesson.remove_page(2) is copy_ and [p.title for p in lesson.pages] == titles


def test_a_network_with_input_features_has_the_step_h0_and_keeps_its_features(tmp_path):
    """The step-through of a network with input features starts with h_0 = φ(x): a page may show it."""
    from core.engine.network import Network

    network = Network([3, 4, 2], ["tanh"], "softmax_cross_entropy", seed=1,
                      features=["x1", "x2_squared", "sin_x1"], input_width=2)
    lesson = new_lesson(network, {"example": {"input": [0.5, -1.5], "target": [1, 0]}}, "Features")
    lesson.pages.append(Page("The features", "", PageState(step="h0", element=Element("h0", (2,))),
                             NumberQuestion(prompt="φ₂(x)?", answer=Element("h0", (2,)))))
    save_lesson(lesson, tmp_path / "features.json")
    loaded = load_lesson(tmp_path / "features.json")
    assert loaded.pages[0].state.step == "h0" and loaded.network.features == ["x1", "x2_squared", "sin_x1"]
    assert loaded.network.input_width == 2 and loaded.example == ([0.5, -1.5], [1, 0])

    plain = new_lesson(Network([3, 4, 2], ["tanh"], "softmax_cross_entropy"), {}, "No features")
    plain.pages.append(Page("h0?", "", PageState(step="h0")))
    with pytest.raises(LessonFormatError, match="page 1, state"):
        lesson_from_dict(lesson_to_dict(plain))
