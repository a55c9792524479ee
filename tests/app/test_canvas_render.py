"""What the canvas draws: edge colours and widths, neuron values, tooltips, images."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from core.engine.network import Network
from core.io.network_file import example_arrays
from desktop_app.canvas import NetworkView
from desktop_app.canvas.edges import MAX_PEN, MIN_PEN
from desktop_app.colours import q
from desktop_app.document import Document

POSITIVE, NEGATIVE = q("positive"), q("negative")


@pytest.fixture
def view(qtbot, host, textbook):
    network, extras = textbook
    view = NetworkView(Document(network, host, example=example_arrays(extras)))
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    view.zoom_to_fit()
    return view


def hue(color: QColor) -> str:
    return "positive" if color.rgb() == QColor(POSITIVE).rgb() else (
        "negative" if color.rgb() == QColor(NEGATIVE).rgb() else "other")


def test_edge_colour_is_the_sign_and_width_the_magnitude(view):
    network = view.document.network
    edges = view.scene_.edge_items()
    assert len(edges) == 3 * 3 + 3 * 3 + 3 * 2
    for edge in edges:
        w = network.W(edge.k)[edge.i, edge.j]
        assert hue(edge.pen().color()) == ("positive" if w > 0 else "negative")
        assert edge.pen().isCosmetic()
        assert MIN_PEN <= edge.pen().widthF() <= MAX_PEN
    widest = max(edges, key=lambda e: e.pen().widthF())
    assert abs(network.W(widest.k)[widest.i, widest.j]) == pytest.approx(0.9)  # the largest |w|
    assert widest.pen().widthF() == pytest.approx(MAX_PEN)
    by_magnitude = sorted(edges, key=lambda e: abs(network.W(e.k)[e.i, e.j]))
    widths = [e.pen().widthF() for e in by_magnitude]
    assert widths == sorted(widths)


def test_refresh_values_follows_new_weights_without_new_items(view):
    scene = view.scene_
    network = view.document.network
    items_before = set(map(id, scene.items()))
    count = len(scene.items())
    network.set_parameters([-W for W in network.weights], [b + 0.5 for b in network.biases])
    view.refresh_values()
    assert len(scene.items()) == count
    edge = scene.edge_items()[0]
    assert hue(edge.pen().color()) == ("positive" if network.W(edge.k)[edge.i, edge.j] > 0 else "negative")
    bias = scene.neurons[(1, 0)].bias
    assert hue(QColor(bias.brush().color().rgb())) == "positive"
    assert items_before  # nothing recreated for a value change


def test_neurons_show_trace_values_and_tooltips(view):
    scene = view.scene_
    assert scene.neurons[(0, 1)].value == 5.0  # x
    assert scene.neurons[(1, 0)].value == pytest.approx(-0.9757, abs=1e-4)  # h_1[1]
    assert scene.neurons[(3, 0)].value == pytest.approx(0.6446, abs=1e-4)  # ŷ[1]
    tip = scene.tooltip_for(scene.neurons[(2, 0)])
    assert tip.splitlines()[:4] == ["a₂,₁ = 0.4196", "h₂,₁ = 0.3966", "∂L/∂a₂,₁ = -0.2396", "∂L/∂h₂,₁ = -0.2843"]
    edge = next(e for e in scene.edge_items() if (e.k, e.i, e.j) == (2, 0, 2))
    tip = scene.tooltip_for(edge)
    assert tip.startswith("W₂,₁,₃ = 0.8   (from h₁,₃ to a₂,₁)\n∂L/∂W₂,₁,₃ = -0.2396")
    assert scene.tooltip_for(scene.neurons[(3, 1)].bias).startswith("b₃,₂ = 0")


def test_collapsed_layers_have_a_bundle_and_an_ellipsis(qtbot, host):
    view = NetworkView(Document(Network([2, 40, 3], "tanh"), host))
    qtbot.addWidget(view)
    scene = view.scene_
    assert scene.layer_items[1].ellipsis_item.text() == "⋮ 30 more"
    assert [len(scene.bundles[k]) for k in (1, 2)] == [1, 1]
    assert len(scene.edge_items()) == 2 * 10 + 10 * 3


def test_export_png_and_svg(view, tmp_path):
    view.export_image(tmp_path / "net.png")
    image = QImage(str(tmp_path / "net.png"))
    assert image.width() > 800 and image.height() > 300
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 20  # something was drawn, not a blank page
    view.export_image(tmp_path / "net.svg")
    svg = (tmp_path / "net.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "Hidden 1" in svg


def test_grab_renders(view):
    pixmap = view.grab()
    assert not pixmap.isNull() and pixmap.width() == 1000
