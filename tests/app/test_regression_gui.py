"""A CSV whose target is a number trains as regression, and the boundary pane draws the
fitted curve for one input (issue 11, item 7), as a person would do it in the window."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.engine.network import Network
from core.engine.passes import Kernel
from core.training.setup import PACES
from desktop_app import files as files_module
from desktop_app.main_window import MainWindow
from desktop_app.training import form as form_module
from desktop_app.training.form import CSV_ITEM


@pytest.fixture
def sine_csv(tmp_path):
    x = np.linspace(-3, 3, 80)
    path = tmp_path / "sine.csv"
    path.write_text("x,y\n" + "\n".join(f"{a:.6f},{np.sin(a):.6f}" for a in x), encoding="utf-8")
    return path


def test_a_numeric_csv_target_trains_as_regression_with_a_fitted_curve(qtbot, host, monkeypatch, sine_csv):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    monkeypatch.setattr(form_module, "choose_csv", lambda parent: (str(sine_csv), "y"))  # the file dialog
    win = MainWindow(host, Network([1, 8, 1], "tanh", "squared_error", seed=1), use_autosave=False,
                     restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    win.layouts.switch("train")
    panel = win.training
    combo = panel.form.dataset
    index = combo.findText(CSV_ITEM)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what choosing the entry with the mouse sends
    assert panel.setup.dataset == str(sine_csv)
    assert "64 training and 16 test samples" in panel.status.text()
    panel.controls.pace.setValue(len(PACES) - 1)  # as fast as possible
    panel.controls.stop_epochs.check.setChecked(True)
    panel.controls.stop_epochs.spin.setValue(150)
    qtbot.mouseClick(panel.controls.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.history.n_epochs >= 150 and not panel.is_training
                    and not panel.live.timer.isActive(), timeout=60000)
    losses = panel.history.train_loss.values
    assert losses[-1] < 0.1 * losses[0], "the fit improves"
    status = panel.status.text()
    assert "train loss" in status and "accuracy" not in status  # a regression has no accuracy
    boundary = win.plots.boundary
    qtbot.waitUntil(lambda: boundary.fit_curve.getData()[0] is not None
                    and len(boundary.fit_curve.getData()[0]) > 100, timeout=10000)
    network = win.document.network
    qtbot.waitUntil(lambda: np.allclose(boundary.fit_curve.getData()[1], Kernel(network, win.state.registry).predict(
        [network.W(k) for k in range(1, network.depth + 1)], [network.b(k) for k in range(1, network.depth + 1)],
        boundary.fit_curve.getData()[0][:, None])[:, 0], atol=1e-5), timeout=10000)  # the curve is the network's ŷ
    x, y = boundary.fit_curve.getData()
    assert x[0] == pytest.approx(-3, abs=0.5) and x[-1] == pytest.approx(3, abs=0.5)  # over the data's range
    assert np.mean(np.abs(y - np.sin(x))) < 0.15  # and it follows the sine it learned
