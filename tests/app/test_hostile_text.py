"""Names and descriptions from a file or a plugin are shown as text, never as markup
(issue 9, item 1)."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from core.plugin_host.host import PluginHost
from desktop_app import files as files_module
from desktop_app import plain_text
from desktop_app.canvas.selection import Selection

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "backprop-studio"
SHOUT = "<h1 style=color:red>LOUD</h1>"


def hostile_file(tmp_path: Path, activation: str, loss: str = "softmax_cross_entropy",
                 name: str = "hostile.json") -> Path:
    data = json.loads((ROOT / "resources/examples/textbook.json").read_text())
    data["network"]["activations"] = [activation, "tanh"]
    data["network"]["loss"] = loss
    data["metadata"] = {"name": SHOUT, "description": SHOUT}
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def test_an_img_tag_naming_dev_zero_does_not_bring_the_app_down(tmp_path):
    """Qt used to read /dev/zero for the <img> until the app aborted (exit 134)."""
    path = hostile_file(tmp_path, '<img src="/dev/zero">')
    shot = tmp_path / "shot.png"
    result = subprocess.run([str(EXE), "screenshot", str(path), "-o", str(shot), "--size", "900x600"],
                            capture_output=True, text=True, timeout=180, preexec_fn=_limit_memory)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 1000


def markup_shown(label: QLabel) -> bool:
    """Whether Qt renders the label's text as rich text."""
    fmt = label.textFormat()
    if fmt == Qt.TextFormat.PlainText:
        return False
    return fmt == Qt.TextFormat.RichText or QtGuiNamespace.mightBeRichText(label.text())


def rendered(markup: str) -> str:
    """What a rich-text tool tip shows."""
    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()


@pytest.fixture
def boxes(monkeypatch):
    shown: list[QMessageBox] = []

    def answer(box: QMessageBox):
        shown.append(box)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(plain_text, "answer_box", answer)
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    return shown


def test_markup_in_a_file_is_shown_literally_everywhere(qtbot, host, boxes, tmp_path):
    from desktop_app.main_window import MainWindow

    window = MainWindow(host, use_autosave=False, restore_layout=False)
    qtbot.addWidget(window)
    window.show()
    path = hostile_file(tmp_path, SHOUT, loss=SHOUT.replace("LOUD", "LOSS"))
    assert window.files.open_path(path, ask=False)
    # the message box about the missing plugins, in plain text, names them literally
    assert boxes and all(box.textFormat() == Qt.TextFormat.PlainText for box in boxes)
    assert SHOUT in boxes[-1].text()
    # the status line names the missing activation literally
    assert SHOUT in window.summary.text() and not markup_shown(window.summary)
    window.view.scene_.select(Selection("layer", 1))
    assert SHOUT in window.inspector.title.text()
    window.view.scene_.select(Selection("neuron", 1, 0))
    window.view.scene_.select(Selection("layer", 2))  # the output: the unknown loss
    loud = [label for label in window.findChildren(QLabel) if "<h1" in label.text()]
    assert loud, "the test must see the names somewhere"
    assert [label.text() for label in loud if markup_shown(label)] == []
    # the canvas tool tip of the marked layer quotes the name literally
    layer = window.view.scene_.layer_items[1]
    assert SHOUT in rendered(plain_text.tooltip(window.view.scene_.tooltip_for(layer)))
    # saving keeps the metadata as it was
    window.files.save_to(tmp_path / "saved.json")
    assert json.loads((tmp_path / "saved.json").read_text())["metadata"]["name"] == SHOUT


def test_a_bad_file_name_and_error_are_plain_in_the_message(qtbot, host, boxes, tmp_path):
    from desktop_app.main_window import MainWindow

    window = MainWindow(host, use_autosave=False, restore_layout=False)
    qtbot.addWidget(window)
    bad = tmp_path / f"{SHOUT.replace('/', '_')}.json"
    bad.write_text("{")
    assert not window.files.open_path(bad, ask=False)
    assert boxes[-1].textFormat() == Qt.TextFormat.PlainText and "<h1" in boxes[-1].text()


SHOUTING_PLUGIN = f'''
import numpy as np
import pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")

@hookimpl
def register_activations(register):
    register(name="loud", fn=np.tanh, derivative=lambda a: 1 - np.tanh(a) ** 2,
             formula=r"\\tanh(a)", description={SHOUT!r})

@hookimpl
def register_datasets(register):
    register(name="shouting", generate=lambda n, seed: (np.zeros((n, 2)), np.arange(n) % 2),
             description={SHOUT!r})

@hookimpl
def register_optimizers(register):
    class Step:
        def __init__(self, **kw):
            pass
        def step(self, params, grads):
            for p, g in zip(params, grads):
                p -= 0.1 * g
    register(name="shouter", factory=Step, defaults={{"lr": 0.1}}, description={SHOUT!r})
'''


def test_plugin_descriptions_in_tool_tips_are_literal(qtbot, tmp_path, boxes):
    from desktop_app.palette import Palette
    from desktop_app.plugin_dialog import PluginDialog
    from desktop_app.training.form import TrainingForm

    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "shouting.py").write_text(SHOUTING_PLUGIN)
    host = PluginHost(plugin_dir=folder, use_entry_points=False).load()
    assert host.record("shouting").state == "loaded", host.record("shouting").error
    palette = Palette(host.registry)
    qtbot.addWidget(palette)
    tips = {palette.tree.topLevelItem(1).child(c).text(0): palette.tree.topLevelItem(1).child(c).toolTip(0)
            for c in range(palette.tree.topLevelItem(1).childCount())}
    assert SHOUT in rendered(tips["loud"])
    form = TrainingForm(host.registry)
    qtbot.addWidget(form)
    index = form.dataset.findText("shouting")
    assert SHOUT in rendered(form.dataset.itemData(index, Qt.ItemDataRole.ToolTipRole))
    dialog = PluginDialog(host)
    qtbot.addWidget(dialog)
    assert dialog.select_activation("loud")
    loud = [label for label in dialog.findChildren(QLabel) if "<h1" in label.text()]
    assert [label.text() for label in loud if markup_shown(label)] == []
