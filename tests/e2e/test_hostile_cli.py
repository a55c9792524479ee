"""Smaller holes of issue 9 (item 8): clear messages that do not blame a plugin."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app import plain_text

ROOT = Path(__file__).resolve().parents[2]
TEXTBOOK = ROOT / "resources/examples/textbook.json"
EXE = Path(sys.executable).parent / "backprop-studio"


def cli(*args: str, timeout: float = 120):
    import subprocess

    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args, words", [
    (["new", "--sizes", "2", "3", "2", "--seed", "-1", "-o", "x.json"], ["--seed", "0 or more"]),
    (["train", str(TEXTBOOK), "--dataset", "xor", "--seed", "-3"], ["--seed", "0 or more"]),
    (["trace", str(TEXTBOOK), "--decimals", "400"], ["--decimals", "at most 17"]),
    (["trace", str(TEXTBOOK), "--decimals", "many"], ["--decimals", "whole number"]),
    (["screenshot", "--train", "-5", "-o", "x.png"], ["--train", "0 or more"]),
    (["screenshot", "--dataset", "bogus", "-o", "x.png"], ["unknown dataset 'bogus'", "available"]),
])
def test_bad_arguments_get_one_clear_line(args, words, tmp_path):
    result = cli(*[a.replace("x.", str(tmp_path / "x.")) for a in args])
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "plugin" not in result.stderr.lower()
    for word in words:
        assert word in result.stderr
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.json").exists()


def test_screenshot_help_is_help():
    result = cli("screenshot", "--help")
    assert result.returncode == 0 and "--dataset" in result.stdout and "error" not in result.stderr


def test_trace_prints_finite_values_near_the_float_limit_as_numbers(tmp_path):
    data = json.loads(TEXTBOOK.read_text())
    data["parameters"]["W1"][0][0] = 1.7e308
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(data))
    result = cli("trace", str(path), "--input", "1", "0", "0", "--target", "1", "0")
    assert result.returncode == 0, result.stderr
    assert "1.700e+308" in result.stdout and "inf" not in result.stdout


def test_a_bad_example_target_is_reported_as_such_not_as_a_missing_plugin(qtbot, host, tmp_path, monkeypatch):
    from desktop_app.main_window import MainWindow

    data = json.loads(TEXTBOOK.read_text())
    data["example"]["target"] = [2, -1]  # not a probability vector: softmax cross-entropy refuses it
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))
    shown: list[QMessageBox] = []
    monkeypatch.setattr(plain_text, "answer_box", lambda box: shown.append(box) or QMessageBox.StandardButton.Ok)
    window = MainWindow(host, use_autosave=False, restore_layout=False)
    qtbot.addWidget(window)
    assert window.files.open_path(path, ask=False)
    texts = [box.text() for box in shown]
    assert len(texts) == 1 and "example" in texts[0] and "target" in texts[0]
    assert "plugin" not in texts[0]
    assert window.document.trace is not None  # computed with a default example
    assert window.document.trace_error is None
