"""Settings are data (issue 9, item 7): a crafted settings file never runs code."""
from __future__ import annotations

import json
import pathlib

from PySide6.QtCore import QSettings

from core.plugin_host.settings import config_dir
from desktop_app.settings import AppSettings, add_recent_file, app_settings, recent_files

MARKER_NAME = "PWNED"


class Evil:
    """Pickled by PySide's QSettings; unpickling it creates the marker file."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def plant(tmp_path: pathlib.Path) -> pathlib.Path:
    """Crafted QSettings files where the app used to look (INI and native), holding a pickle."""
    marker = tmp_path / MARKER_NAME
    for path in (config_dir() / "backprop-studio.ini", config_dir() / "window.ini"):
        path.parent.mkdir(parents=True, exist_ok=True)
        crafted = QSettings(str(path), QSettings.Format.IniFormat)
        for key in ("recent_files", "window/geometry", "window/state"):
            crafted.setValue(key, Evil(marker))
        crafted.sync()
        del crafted
    marker.unlink(missing_ok=True)  # (setValue does not run it; reading does)
    return marker


def test_a_crafted_settings_file_runs_no_code(qtbot, host, tmp_path):
    from desktop_app.main_window import MainWindow

    marker = plant(tmp_path)
    window = MainWindow(host, use_autosave=False)
    qtbot.addWidget(window)
    window.show()
    assert window.files.recent() == []
    window.close()
    assert not marker.exists()


def test_settings_values_are_type_checked(tmp_path):
    path = config_dir() / "window.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = tmp_path / "net.json"
    existing.write_text("{}")
    path.write_text(json.dumps({"recent_files": [str(existing), 42, None, {"x": 1}],
                                "window/geometry": {"base64": "not base64!"}, "window/state": "text"}))
    settings = app_settings()
    assert recent_files(settings) == [str(existing)]
    assert settings.value("window/geometry", None, bytes) is None
    assert settings.value("window/state", None, bytes) is None
    path.write_text(json.dumps({"recent_files": "a lone string"}))
    assert recent_files(app_settings()) == []
    path.write_text("[" * 100_000)  # not even JSON: defaults
    assert recent_files(app_settings()) == []


def test_layout_and_recent_files_round_trip(tmp_path):
    net = tmp_path / "net.json"
    net.write_text("{}")
    add_recent_file(net)
    settings = AppSettings()
    settings.setValue("window/state", b"\x00\x01binary")
    settings.sync()
    again = AppSettings()
    assert again.value("window/state", None, bytes) == b"\x00\x01binary"
    assert recent_files(again) == [str(net.resolve())]
