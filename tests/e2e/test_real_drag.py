"""A real QDrag from the palette onto the canvas, with the X pointer driven by xdotool.

Offscreen Qt returns from QDrag.exec() at once, so this runs only under Xvfb
(scripts/run-tests runs `pytest -m xvfb` inside xvfb-run).
"""
from __future__ import annotations

import gc
import shutil
import subprocess

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QHBoxLayout, QWidget

from desktop_app.canvas.view import NetworkView
from desktop_app.document import Document
from desktop_app.palette import ID_ROLE, Palette

pytestmark = pytest.mark.xvfb


def palette_entry_center(palette: Palette, item_id: str) -> QPoint:
    tree = palette.tree
    for s in range(tree.topLevelItemCount()):
        section = tree.topLevelItem(s)
        for c in range(section.childCount()):
            item = section.child(c)
            if item.data(0, ID_ROLE) == item_id:
                rect = tree.visualItemRect(item)
                return tree.viewport().mapToGlobal(rect.center())
    raise LookupError(item_id)


def test_dragging_dense_layer_from_the_palette_inserts_a_layer(qtbot, host):
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing: scripts/setup installs it")
    from core.engine.network import Network

    document = Document(Network([2, 2], [], seed=0), host)
    window = QWidget()
    row = QHBoxLayout(window)
    palette = Palette(host.registry)
    view = NetworkView(document)
    row.addWidget(palette, 1)
    row.addWidget(view, 3)
    qtbot.addWidget(window)
    window.resize(1000, 600)
    window.move(0, 0)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.wait(300)
    view.zoom_to_fit()
    start = palette_entry_center(palette, "layer:dense")
    # between the input and the output layer
    left = view.scene_.neurons[(0, 0)].scenePos()
    right = view.scene_.neurons[(1, 0)].scenePos()
    target = view.viewport().mapToGlobal(view.mapFromScene((left + right) / 2))
    script = [
        "mousemove", str(start.x()), str(start.y()), "sleep", "0.3", "mousedown", "1", "sleep", "0.2",
        "mousemove", str(start.x() + 12), str(start.y() + 3), "sleep", "0.2",
        "mousemove", str(start.x() + 40), str(start.y() + 10), "sleep", "0.3",
        "mousemove", str(target.x() - 8), str(target.y()), "sleep", "0.3",
        "mousemove", str(target.x()), str(target.y()), "sleep", "0.4", "mouseup", "1",
    ]
    pointer = subprocess.Popen(["xdotool", *script])
    try:
        qtbot.waitUntil(lambda: document.network.sizes == [2, 4, 2], timeout=15000)
    finally:
        pointer.wait(timeout=15)
    assert document.network.activations == ["tanh"]
    assert len([n for n in view.scene_.neuron_items() if n.k == 1]) == 4
    document.undo_stack.undo()
    assert document.network.sizes == [2, 2]
    # tear down while the QApplication and the X connection are alive: a late garbage
    # collection of these Qt wrappers at interpreter exit crashed under xcb
    window.close()
    window.deleteLater()
    document.deleteLater()
    qtbot.wait(50)
    del window, view, palette, row
    gc.collect()
