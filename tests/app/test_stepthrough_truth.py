"""The step-through tells the truth: every neuron label, tooltip and inspector value at every
step is the quantity the step table says, nothing not yet computed is shown, the element
view expands the step for one element, and check-yourself fits the window."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.engine.network import Network
from core.io.network_file import example_arrays
from core.stepthrough.numbers import number
from desktop_app import colours
from desktop_app import files as files_module
from desktop_app.animation.step_panel import StepPanel
from desktop_app.canvas.selection import Selection
from desktop_app.canvas.view import NetworkView
from desktop_app.document import Document
from desktop_app.inspector import Inspector
from desktop_app.main_window import MainWindow

NEURON_QUANTITY = ("a", "h", "yhat", "grad_a", "grad_h")


def rig(qtbot, network, host, example):
    document = Document(network, host, example=example)
    view, panel, inspector = NetworkView(document), StepPanel(document), Inspector(document)
    panel.step_changed.connect(view.show_step)
    panel.step_changed.connect(inspector.show_step)
    for widget in (view, panel, inspector):
        qtbot.addWidget(widget)
        widget.show()
    view.resize(1000, 600)
    return document, view, panel, inspector


def layer_of(name: str, depth: int) -> int | None:
    """Which layer's neurons hold a quantity (written out here, independently of the app)."""
    if name == "yhat":
        return depth
    for prefix in ("grad_a", "grad_h", "a", "h"):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            return int(name[len(prefix):])
    return None


def expected_labels(steps, position: int, depth: int) -> dict[int, str]:
    """Layer -> the quantity its neurons must show: the last one written on it so far."""
    shown = {0: "h0"}
    for step in steps[:position]:
        for name in step.writes:  # the step table's declared writes
            k = layer_of(name, depth)
            if k is not None:
                shown[k] = name
    return shown


def walk_and_compare(qtbot, document, view, panel, inspector):
    trace, depth = document.trace, document.network.depth
    sizes = document.network.sizes
    scene = view.scene_
    for position in range(len(panel.player) + 1):
        panel.seek(position)
        expected = expected_labels(panel.player.steps, position, depth)
        for k in range(depth + 1):
            for i in range(sizes[k]):
                neuron = scene.neurons[(k, i)]
                tip = scene.tooltip_for(neuron)
                if k not in expected:
                    assert neuron.label() == "", (position, k, i)
                    assert "∂" not in tip and "ŷ" not in tip, "the tooltip shows nothing not yet computed"
                    continue
                value = float(np.asarray(trace.quantity(expected[k]))[0, i])
                assert neuron.label() == number(value, 2), (position, expected[k], k, i)
                # the tooltip starts with the same quantity, with the same formatter
                assert tip.splitlines()[0].endswith("= " + number(value)), (position, tip)
        # the inspector shows no gradient before the backward pass computes it
        inspector.show_selection(Selection("neuron", 1, 0))
        grad_a_label = inspector.value_labels["grad_a"].text()
        if "grad_a1" in panel.player.known():
            assert grad_a_label == number(trace.grad_a[1][0, 0])
        else:
            assert grad_a_label == "not computed yet", position


def test_every_label_of_the_worked_example_is_the_written_quantity(qtbot, textbook, host):
    network, extras = textbook
    document, view, panel, inspector = rig(qtbot, network, host, example_arrays(extras))
    walk_and_compare(qtbot, document, view, panel, inspector)
    # the moment of the issue: at ∇a_1 the neurons of layer 1 show ∇a_1, not ∇h_1
    panel.seek_quantity("grad_a1")
    labels = [view.scene_.neurons[(1, i)].label() for i in range(3)]
    assert labels == ["-0", "0.03", "-0"] or labels == [number(v, 2) for v in document.trace.grad_a[1][0]]
    tip = view.scene_.tooltip_for(view.scene_.neurons[(1, 2)])
    assert tip.splitlines()[0] == "∂L/∂a₁,₃ = -0.0000" and "∂L/∂h₁,₃ = -0.2122" in tip


def test_every_label_of_a_2_5_4_3_network_is_the_written_quantity(qtbot, host):
    network = Network([2, 5, 4, 3], ["relu", "sigmoid"], "softmax_cross_entropy", seed=7)
    document, view, panel, inspector = rig(qtbot, network, host, ([0.5, -1.5], [0, 0, 1]))
    walk_and_compare(qtbot, document, view, panel, inspector)


def test_the_inspector_hides_gradients_of_a_weight_until_computed(qtbot, textbook, host):
    network, extras = textbook
    document, view, panel, inspector = rig(qtbot, network, host, example_arrays(extras))
    view.scene_.select(Selection("weight", 2, 0, 2))
    inspector.show_selection(Selection("weight", 2, 0, 2))
    panel.seek_quantity("grad_a2")
    assert inspector.grad_w_label.text() == "not computed yet"
    assert "∂L/∂W" not in view.scene_.tooltip_for(next(e for e in view.scene_.edge_items()
                                                         if (e.k, e.i, e.j) == (2, 0, 2)))
    panel.seek_quantity("grad_W2")
    assert inspector.grad_w_label.text() == "-0.2396" and inspector.title.text() == "Weight W₂,₁,₃"


def test_the_element_view_expands_the_step_for_the_selected_neuron(qtbot, textbook, host):
    network, extras = textbook
    document, view, panel, inspector = rig(qtbot, network, host, example_arrays(extras))
    view.selection_changed.connect(panel.set_selection)
    panel.seek_quantity("grad_h2")
    view.scene_.select(Selection("neuron", 2, 0))
    element = panel.element
    assert element.isVisible() and element.view is not None
    assert str(element.view.element) == "grad_h2[1]"
    assert element.view.text().splitlines()[1] == "∂L/∂h₂,₁ = (−0.3554)(0.3) + (0.3554)(−0.5) = −0.2843"
    assert element.equations.pieces and all(p.pixmap is not None for line in element.equations.pieces
                                            for p in line), "typeset, like the formula panel"
    view.scene_.select(Selection("neuron", 1, 0))  # not what this step writes
    assert element.view is None and "layer 2" in element.title.text()
    panel.seek_quantity("grad_a3")  # the softmax-CE derivation for one output
    view.scene_.select(Selection("neuron", 3, 0))
    assert r"1_{\ell=1}" in element.view.symbolic and element.view.result == pytest.approx(-0.3554, abs=5e-5)
    assert "ŷ" in element.note.text()
    panel.seek_quantity("grad_W2")
    view.scene_.select(Selection("weight", 2, 0, 2))
    assert element.view.text().splitlines()[1] == "∂L/∂W₂,₁,₃ = (−0.2396)(1.0000) = −0.2396"


def test_legend_and_selection_colours_differ(qtbot, textbook, host):
    network, extras = textbook
    document, view, panel, inspector = rig(qtbot, network, host, example_arrays(extras))
    for scheme in colours.SCHEMES.values():
        assert len({scheme.read, scheme.write, scheme.selected}) == 3
    panel.seek_quantity("a1")
    assert view.legend.isVisible(), "the canvas says what teal and magenta mean while stepping"
    texts = [w.text() for w in view.legend.findChildren(type(panel.hint))]
    assert "read" in texts and "written" in texts and "selected" in texts
    panel.hide()
    assert not view.legend.isVisible()


@pytest.fixture
def make_window(qtbot, monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")

    def make(host) -> MainWindow:
        window = MainWindow(host, use_autosave=False, restore_layout=False)
        qtbot.addWidget(window)
        window.show()
        return window
    return make


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_check_yourself_fits_the_window(qtbot, make_window, host, size):
    window = make_window(host)
    window.resize(*size)
    window.open_worked_example()
    panel = window.steps
    panel.quiz_toggle.setChecked(True)
    panel.seek_quantity("grad_h2")
    qtbot.mouseClick(panel.forward_button, Qt.LeftButton)  # asks about ∇a_2
    qtbot.keyClicks(panel.quiz.answer, "7")
    qtbot.mouseClick(panel.quiz.check_button, Qt.LeftButton)
    qtbot.wait(50)
    scroll = panel.scroll
    card = scroll.widget()
    for widget in (panel.quiz.verdict, panel.quiz.reveal_button, panel.quiz.retry_button, panel.quiz.answer):
        assert widget.isVisible()
        top_left = widget.mapTo(card, widget.rect().topLeft())
        # the feedback is inside the card, and the card can show it (scrolling, never cut)
        assert 0 <= top_left.x() and top_left.x() + widget.width() <= card.width() + 1, widget
        assert widget.height() >= widget.sizeHint().height() - 1 or widget is panel.quiz.verdict
    verdict = panel.quiz.verdict
    assert verdict.height() >= verdict.heightForWidth(verdict.width()) - 1, "the feedback is not cut"
    assert scroll.widget().width() <= scroll.viewport().width() + 1, "no horizontal cut"




def test_equations_wrap_before_an_equals_sign_instead_of_running_off(qtbot, textbook, host):
    network, extras = textbook
    document, view, panel, inspector = rig(qtbot, network, host, example_arrays(extras))
    panel.resize(520, 400)
    panel.seek_quantity("W2")  # W_2 ← W_2 - η ∇W_2 = …, b_2 ← …: three matrices in a row
    numbers = panel.numbers
    qtbot.waitUntil(lambda: numbers.width() > 0)
    assert len(numbers.lines) == 2, "the update shows the bias numbers too"
    assert numbers.text().splitlines()[1].startswith("b₂ ← [0, 0, 0] − 0.1 [-0.2396, 0.0334, -0.0303] = ")
    for piece, at in numbers._placed:
        assert at.x() + piece.width <= numbers.width() or piece.width > numbers.width() - 30, piece
    rows = {round(at.y()) for _, at in numbers._placed}
    assert len(rows) >= 3, "the W line wrapped"


def test_a_lesson_names_an_element_and_the_canvas_selects_it(qtbot, textbook, host):
    from desktop_app.canvas.selection import selection_of

    sizes = [3, 3, 3, 2]
    assert selection_of("W2[1,3]", sizes) == Selection("weight", 2, 0, 2)
    assert selection_of("grad_h2[1]", sizes) == Selection("neuron", 2, 0)
    assert selection_of("yhat[2]", sizes) == Selection("neuron", 3, 1)
    assert selection_of("b1[3]", sizes) == Selection("bias", 1, 2)
    for bad in ("W2[4,1]", "h5[1]", "loss", "W2[1]", "gprime1[1]"):
        with pytest.raises(ValueError):
            selection_of(bad, sizes)


def test_every_numbers_line_of_the_worked_example_is_typeset_not_raw_latex(qtbot, textbook, host):
    """A piece that mathtext cannot parse falls back to its source text (e.g. '{}+\\' once did)."""
    network, extras = textbook
    document, view, panel, inspector = rig(qtbot, network, host, example_arrays(extras))
    for position in range(1, len(panel.player.steps) + 1):
        panel.seek(position)  # as the scrubber does
        fallbacks = [piece.text for line in panel.numbers.lines for piece in panel.numbers._pieces(line)
                     if piece.pixmap is None and piece.text]
        assert fallbacks == [], (panel.player.current.quantity, fallbacks)
