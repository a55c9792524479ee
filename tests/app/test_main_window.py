"""The main window: title and modified mark, files, recent files, export."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from core.engine.network import Network
from core.io.network_file import example_arrays, load_network
from desktop_app import files as files_module
from desktop_app import plain_text
from desktop_app.main_window import MainWindow


@pytest.fixture
def make_window(qtbot, host, monkeypatch):
    """Windows that never block: unsaved changes are discarded on close."""
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")

    def make(*args, **kwargs) -> MainWindow:
        window = MainWindow(host, *args, **kwargs)
        qtbot.addWidget(window)
        window.show()
        return window
    return make


def same_network(a: Network, b: Network) -> bool:
    return (a.sizes == b.sizes and a.activations == b.activations and a.loss == b.loss
            and all(np.allclose(x, y) for x, y in zip(a.parameters(), b.parameters())))


def test_new_window_shows_untitled_2_4_2(make_window):
    window = make_window()
    assert window.document.network.sizes == [2, 4, 2]
    assert window.document.network.loss == "softmax_cross_entropy"
    assert "Untitled" in window.windowTitle()
    assert not window.isWindowModified()


def test_title_names_the_file_and_marks_an_edit(make_window, textbook, tmp_path):
    network, extras = textbook
    path = tmp_path / "mine.json"
    window = make_window(network, path)
    assert window.windowTitle().startswith("mine.json[*]")
    assert not window.isWindowModified()
    window.training.reset()  # an undoable edit of every weight
    assert window.isWindowModified()
    window.document.undo_stack.undo()
    assert not window.isWindowModified()


def test_save_and_reopen_round_trip(make_window, textbook, tmp_path):
    network, extras = textbook
    window = make_window(network, None, example_arrays(extras))
    window.training.reset()
    path = tmp_path / "saved.json"
    assert window.files.save_to(path)
    assert not window.isWindowModified()
    assert "saved.json" in window.windowTitle()
    saved = window.document.network.copy()
    window.files.new()
    assert window.document.network.sizes == [2, 4, 2]
    assert window.files.open_path(path)
    assert same_network(window.document.network, saved)
    reopened, extras2 = load_network(path)
    assert extras2["example"]["input"] == [2.0, 5.0, 3.0]


def test_corrupt_file_shows_error_and_keeps_network(make_window, textbook, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(plain_text, "answer_box", lambda box: shown.append(box.text()) or QMessageBox.StandardButton.Ok)
    network, _ = textbook
    window = make_window(network)
    before = window.document.network
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "backprop-studio-network", "version": 1, "network": {', encoding="utf-8")
    assert not window.files.open_path(bad)
    assert len(shown) == 1 and "broken.json" in shown[0] and "JSON" in shown[0]
    assert window.document.network is before
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"hello": 1}', encoding="utf-8")
    assert not window.files.open_path(foreign)
    assert "not a Backprop Studio network file" in shown[1]
    assert window.document.network is before


def test_recent_files_are_remembered(make_window, textbook, tmp_path):
    network, _ = textbook
    window = make_window(network)
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    window.files.save_to(first)
    window.files.save_to(second)
    assert window.files.recent()[:2] == [str(second), str(first)]
    texts = [a.text() for a in window.actions_.recent_menu.actions()]
    assert texts[:2] == ["&1 two.json", "&2 one.json"]
    window.close()
    again = make_window()  # a new window reads them from the settings
    assert again.files.recent()[:2] == [str(second), str(first)]


def test_window_layout_is_remembered(make_window):
    window = make_window()
    window.inspector_dock.hide()
    window.close()
    again = make_window()
    assert again.inspector_dock.isHidden()


def test_export_png_and_svg(make_window, textbook, tmp_path):
    network, _ = textbook
    window = make_window(network)
    for name in ("net.png", "net.svg"):
        path = tmp_path / name
        assert window.files.export_to(path)
        assert path.stat().st_size > 0
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "net.svg").read_bytes()


def test_close_with_unsaved_changes_can_be_cancelled(make_window, monkeypatch):
    window = make_window()
    window.training.reset()
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "cancel")
    window.close()
    assert window.isVisible()
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    window.close()
    assert not window.isVisible()


def test_examples_menu_lists_textbook_first(make_window):
    window = make_window()
    titles = [a.text() for a in window.actions_.examples_menu.actions()]
    assert titles[0] == "Textbook"
    window.actions_.examples_menu.actions()[0].trigger()
    assert window.document.network.sizes == [3, 3, 3, 2]
    assert window.document.path is None  # an example opens as a new network
