"""Shared fixtures. Qt runs offscreen unless a real display (xvfb-run) is asked for."""
from __future__ import annotations

import os
from pathlib import Path

# Before any QApplication exists: headless Qt, unless the xvfb-marked run sets a DISPLAY.
if not os.environ.get("BACKPROP_STUDIO_TEST_DISPLAY"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "resources" / "examples" / "textbook.json"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's plugins, settings or autosaves."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("BACKPROP_STUDIO_PLUGIN_DIR", str(home / "plugins"))
    monkeypatch.setenv("BACKPROP_STUDIO_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("BACKPROP_STUDIO_SAFE_MODE", raising=False)
    yield home


@pytest.fixture
def host():
    """A plugin host with the built-in plugins only (no entry points, no plugin folder)."""
    from core.plugin_host.host import PluginHost

    return PluginHost(safe_mode=True).load()


@pytest.fixture
def registry(host):
    return host.registry


@pytest.fixture
def textbook():
    """(network, extras) of the worked example of MATH.md."""
    from core.io.network_file import load_network

    return load_network(TEXTBOOK)


def pytest_collection_modifyitems(config, items):
    """Tests marked xvfb need a real X server; they run under xvfb-run in .ci/run."""
    if os.environ.get("BACKPROP_STUDIO_TEST_DISPLAY"):
        return
    skip = pytest.mark.skip(reason="needs a real display: run under xvfb-run with BACKPROP_STUDIO_TEST_DISPLAY=1")
    for item in items:
        if "xvfb" in item.keywords:
            item.add_marker(skip)
