"""Stepping highlights exactly what each step reads and writes on the canvas."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.io.network_file import example_arrays
from core.stepthrough.highlight import highlight
from desktop_app.animation.step_panel import StepPanel
from desktop_app.canvas.view import NetworkView
from desktop_app.colours import q
from desktop_app.document import Document

READ, WRITE = q("read"), q("write")


@pytest.fixture
def rig(qtbot, textbook, host):
    network, extras = textbook
    document = Document(network, host, example=example_arrays(extras))
    view = NetworkView(document)
    panel = StepPanel(document)
    panel.step_changed.connect(view.show_step)
    for w in (view, panel):
        qtbot.addWidget(w)
        w.show()
    view.resize(900, 500)
    return document, view, panel


def test_every_step_marks_exactly_its_reads_and_writes(qtbot, rig):
    document, view, panel = rig
    overlay, sizes = view.step_overlay, document.network.sizes
    while not panel.player.at_end:
        qtbot.mouseClick(panel.forward_button, Qt.LeftButton)
        step = panel.player.current
        hl = highlight(step, sizes)
        assert overlay.marked("ring", WRITE) == set(hl.write_neurons), step.quantity
        assert overlay.marked("ring", READ) == set(hl.read_neurons - hl.write_neurons), step.quantity
        assert overlay.marked("edge", WRITE) == set(hl.write_edges), step.quantity
        assert overlay.marked("edge", READ) == set(hl.read_edges - hl.write_edges), step.quantity
        assert overlay.marked("bias", WRITE) == set(hl.write_biases), step.quantity


def test_grad_W2_writes_every_edge_of_W2_with_its_value(qtbot, rig):
    document, view, panel = rig
    panel.seek_quantity("grad_W2")
    assert view.step_overlay.marked("edge", WRITE) == {(2, i, j) for i in range(3) for j in range(3)}
    labels = sorted(item.text() for item in view.step_overlay.items if hasattr(item, "text"))
    expected = sorted(["0.2338", "0.0239", "-0.2396", "-0.0326", "-0.0033", "0.0334", "0.0295", "0.0030",
                       "-0.0303"])
    assert labels == expected


def test_neurons_show_the_latest_computed_quantity(qtbot, rig):
    document, view, panel = rig
    panel.seek_quantity("grad_h2")
    trace = document.trace
    shown = [view.scene_.neurons[(2, i)].value for i in range(3)]
    np.testing.assert_array_equal(shown, trace.grad_h[2][0])
    assert [view.scene_.neurons[(3, i)].value for i in range(2)] == list(trace.grad_a[3][0])
    panel.seek_quantity("a1")
    assert [view.scene_.neurons[(1, i)].value for i in range(3)] == list(trace.a[1][0])
    assert view.scene_.neurons[(2, 0)].value is None, "not computed yet"


def test_gradients_pulse_backwards_along_the_edges(qtbot, rig):
    document, view, panel = rig
    panel.seek_quantity("grad_h2")  # ∇h_2 = W_3ᵀ ∇a_3: from layer 3 back to layer 2
    overlay = view.step_overlay
    assert overlay.pulses and overlay.animation.state() == overlay.animation.State.Running
    dot, start, end = overlay.pulses[0]
    x_layer2, x_layer3 = view.scene_.neurons[(2, 0)].x(), view.scene_.neurons[(3, 0)].x()
    assert start.x() > end.x() and abs(start.x() - x_layer3) < abs(start.x() - x_layer2)
    qtbot.waitUntil(lambda: not overlay.pulses, timeout=3000)
    panel.seek_quantity("a2")  # forward: from layer 1 to layer 2
    _, start, end = overlay.pulses[0]
    assert start.x() < end.x()


def test_back_at_the_start_the_canvas_is_normal_again(qtbot, rig):
    document, view, panel = rig
    panel.seek_quantity("loss")
    assert view.step_overlay.items
    qtbot.mouseClick(panel.start_button, Qt.LeftButton)
    assert not view.step_overlay.items, "no rings, glows or labels at the start"
    # only the input is known: every other neuron is blank until its step computes it
    assert [view.scene_.neurons[(0, i)].label() for i in range(3)] == ["2", "5", "3"]
    assert all(view.scene_.neurons[(k, i)].value is None for k in (1, 2, 3) for i in range(document.network.sizes[k]))
    panel.hide()  # the step-through put away: the canvas shows every value again
    assert not view.step_overlay.active
    assert view.scene_.neurons[(3, 0)].label() == "0.64"


def test_an_edit_during_the_animation_does_not_leave_stale_marks(qtbot, rig):
    document, view, panel = rig
    panel.seek_quantity("grad_W2")
    document.network.set_width(2, 4)  # the scene rebuilds, the trace and the player follow
    assert document.network.sizes == [3, 3, 4, 2]
    assert view.step_overlay.marked("edge", WRITE) == {(2, i, j) for i in range(4) for j in range(3)}
