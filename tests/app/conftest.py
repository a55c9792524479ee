"""What the GUI tests share: a main window opened as a person opens it."""
from __future__ import annotations

import pytest

from desktop_app import files as files_module
from desktop_app.main_window import MainWindow


@pytest.fixture
def make_window(qtbot, host, monkeypatch):
    """``make(network=None, *, host=None, size=None, fit=False, **kwargs)``: a shown main window
    without autosave, in the default layout (``size``: resized and waited for on screen;
    ``fit``: the network fitted into the canvas). A save question is answered 'discard'."""
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    default_host = host

    def make(network=None, *, host=None, size: tuple[int, int] | None = None, fit: bool = False,
             **kwargs) -> MainWindow:
        win = MainWindow(host or default_host, network, use_autosave=False, restore_layout=False, **kwargs)
        qtbot.addWidget(win)
        if size is not None:
            win.resize(*size)
        win.show()
        if size is not None:
            qtbot.waitExposed(win)
        if fit:
            win.view.zoom_to_fit()
        return win
    return make
