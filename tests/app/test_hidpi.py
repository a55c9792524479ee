"""At 2× scale (QT_SCALE_FACTOR=2, a HiDPI screen) the typeset formulas, the icons and the whole
window are drawn with twice the pixels at the same size on screen: sharp, not magnified.

Each scale needs its own QApplication, so the window is probed in a fresh interpreter."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = r"""
import json, re
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QTreeWidget
from desktop_app.animation.typeset import formula_html
from desktop_app.palette import ICON_SIZE
from desktop_app.screenshot import staged_window
app, window = staged_window("resources/examples/textbook.json", (1280, 720), step="grad_W2")
formula = window.steps.formula.pixmap()
shot = window.grab()
toolbar = [max(s.width() for s in a.icon().availableSizes()) for a in window.actions_.toolbar.actions()
           if not a.icon().isNull()]
tree = window.palette_widget.findChild(QTreeWidget)
palette = [tree.topLevelItem(t).child(c).icon(0).availableSizes()[0].width()
           for t in range(tree.topLevelItemCount()) for c in range(tree.topLevelItem(t).childCount())
           if not tree.topLevelItem(t).child(c).icon(0).isNull()]
html = formula_html(r"a_1 = b_1 + W_1 h_0")
presentation = window.toggle_presentation(full_screen=False)
presentation.resize(1280, 720)
app.processEvents()
big = presentation.board.formula.pixmap()
print(json.dumps({
    "ratio": app.devicePixelRatio(),
    "shot": [shot.width(), shot.height()],
    "formula": [formula.width(), formula.deviceIndependentSize().width()],
    "big": [big.width(), big.deviceIndependentSize().width()],
    "toolbar": toolbar, "palette": palette, "icon": ICON_SIZE.width(),
    "html": [int(v) for v in re.findall(r'width="(\d+)"', html)],
}))
presentation.close()
window.document.undo_stack.setClean()
window.close()
"""


def probe(scale: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    env.pop("QT_SCREEN_SCALE_FACTORS", None)
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=180)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def at_1x_and_2x():
    return probe("1"), probe("2")


def test_the_window_is_drawn_with_twice_the_pixels(at_1x_and_2x):
    one, two = at_1x_and_2x
    assert one["ratio"] == 1 and two["ratio"] == 2
    assert two["shot"] == [2 * one["shot"][0], 2 * one["shot"][1]]


@pytest.mark.parametrize("which", ["formula", "big"])
def test_typeset_formulas_have_twice_the_pixels_at_the_same_size(at_1x_and_2x, which):
    one, two = at_1x_and_2x
    pixels_1x, size_1x = one[which]
    pixels_2x, size_2x = two[which]
    assert abs(size_2x - size_1x) <= 0.05 * size_1x  # the same size on screen
    assert pixels_2x >= 1.9 * pixels_1x  # rendered with twice the detail, not magnified


def test_icons_have_sources_for_twice_their_size(at_1x_and_2x):
    one, two = at_1x_and_2x
    assert all(size >= 32 for size in two["toolbar"])  # 16 px icons with 32 px pictures
    assert two["palette"] and all(size == 2 * two["icon"] for size in two["palette"])
    assert all(size == one["icon"] for size in one["palette"])


def test_formulas_in_rich_text_keep_their_size(at_1x_and_2x):
    one, two = at_1x_and_2x
    assert one["html"] and abs(two["html"][0] - one["html"][0]) <= 2
