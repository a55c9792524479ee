"""The colours that carry meaning: one module, a colour-blind safe scheme, chosen in Preferences."""
from __future__ import annotations

import colorspacious
import numpy as np
import pytest
from PySide6.QtGui import QColor

from desktop_app import colours
from desktop_app import files as files_module
from desktop_app.main_window import MainWindow
from desktop_app.settings import app_settings

DEFICIENCIES = ("protanomaly", "deuteranomaly", "tritanomaly")
#: pairs a viewer must tell apart: the sign of a weight, and what a step reads from what it writes
PAIRS = (("positive", "negative"), ("read", "write"), ("forward", "backward"))
APART = 30.0  # ΔE in CAM02-UCS: clearly different colours, not shades of one


def seen(hex_colour: str, deficiency: str | None) -> np.ndarray:
    """The colour in CAM02-UCS as a viewer with ``deficiency`` (full severity) sees it."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    if deficiency is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def closest(scheme: colours.Scheme, a: str, b: str) -> float:
    roles = scheme.roles()
    return min(float(np.linalg.norm(seen(roles[a], d) - seen(roles[b], d))) for d in (None, *DEFICIENCIES))


@pytest.fixture(autouse=True)
def standard_colours_afterwards():
    yield
    colours.use("standard")


@pytest.mark.parametrize("a, b", PAIRS)
def test_colour_blind_scheme_keeps_each_pair_apart_for_every_deficiency(a, b):
    assert closest(colours.COLOUR_BLIND, a, b) > APART


def test_the_standard_read_and_write_colours_merge_for_some_viewers():
    # why the alternative exists: teal and magenta look alike to a deuteranope
    assert closest(colours.STANDARD, "read", "write") < APART


@pytest.fixture
def make_window(qtbot, host, monkeypatch, textbook):
    from core.io.network_file import example_arrays

    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    network, extras = textbook

    def make() -> MainWindow:
        window = MainWindow(host, network.copy(), None, example_arrays(extras), use_autosave=False,
                            restore_layout=False)
        qtbot.addWidget(window)
        window.show()
        return window
    return make


def edge_colours(window: MainWindow) -> set[str]:
    return {edge.pen().color().name() for edge in window.view.scene_.edge_items()}


def test_preferences_switch_the_canvas_and_the_step_highlights_and_are_remembered(make_window):
    window = make_window()
    window.layouts.switch("step")
    window.steps.seek_quantity("a2")  # a forward step: reads h_1 and W_2, writes a_2
    overlay = window.view.step_overlay
    assert edge_colours(window) == {colours.STANDARD.positive, colours.STANDARD.negative}
    assert overlay.marked("ring", QColor(colours.STANDARD.write)) == {(2, 0), (2, 1), (2, 2)}
    dialog = window.show_preferences()
    dialog.buttons["colour_blind"].click()
    cb = colours.COLOUR_BLIND
    assert colours.current() is cb
    assert edge_colours(window) == {cb.positive, cb.negative}
    assert overlay.marked("ring", QColor(cb.write)) == {(2, 0), (2, 1), (2, 2)}
    assert overlay.marked("ring", QColor(cb.read)) == {(1, 0), (1, 1), (1, 2)}
    assert cb.forward in window.steps.position_label.text()
    dialog.close()
    window.close()
    colours.use("standard")
    again = make_window()  # the next start uses the saved choice
    assert colours.current() is cb and edge_colours(again) == {cb.positive, cb.negative}


@pytest.mark.parametrize("stored", [42, "no-such-scheme", ["colour_blind"], "@Variant(garbage)"])
def test_a_bad_stored_scheme_gives_the_standard_one(stored):
    settings = app_settings()
    settings.setValue(colours.SETTING, stored)
    assert colours.saved_scheme(settings) == "standard"
