"""Enable/disable is remembered across runs (core.plugin_host.settings) and honoured by the host."""
from __future__ import annotations

import json
import textwrap

import pytest

from core import cli
from core.plugin_host import settings as plugin_settings
from core.plugin_host.host import PluginHost, user_plugin_dir

SOFTSIGN = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="softsign", fn=lambda a: a / (1 + np.abs(a)),
             derivative=lambda a: 1 / (1 + np.abs(a)) ** 2)
"""


@pytest.fixture
def softsign_file():
    folder = user_plugin_dir()  # $BACKPROP_STUDIO_PLUGIN_DIR, a temporary folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "softsign.py"
    path.write_text(textwrap.dedent(SOFTSIGN))
    return path


def test_nothing_is_disabled_without_a_settings_file():
    assert not plugin_settings.settings_path().exists()
    assert plugin_settings.load_disabled() == set()


def test_the_settings_file_lives_in_the_config_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("BACKPROP_STUDIO_CONFIG_DIR", str(tmp_path / "cfg"))
    plugin_settings.set_enabled("softsign", False)
    data = json.loads((tmp_path / "cfg" / "plugins.json").read_text())
    assert data == {"disabled": ["softsign"]}


def test_set_enabled_round_trip():
    assert plugin_settings.set_enabled("b", False) == {"b"}
    assert plugin_settings.set_enabled("a", False) == {"a", "b"}
    assert not plugin_settings.is_enabled("a")
    assert plugin_settings.set_enabled("a", True) == {"b"}
    assert plugin_settings.set_enabled("never_disabled", True) == {"b"}
    assert plugin_settings.load_disabled() == {"b"}


@pytest.mark.parametrize("content", ["{not json", '["a list"]', '{"disabled": "softsign"}', ""])
def test_a_corrupt_settings_file_disables_nothing(content):
    path = plugin_settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    assert plugin_settings.load_disabled() == set()
    plugin_settings.set_enabled("softsign", False)  # and it is repaired by the next change
    assert plugin_settings.load_disabled() == {"softsign"}


def test_disabled_persists_into_a_new_host(softsign_file):
    assert PluginHost(use_entry_points=False).load().record("softsign").state == "loaded"
    plugin_settings.set_enabled("softsign", False)
    host = PluginHost(use_entry_points=False).load()  # a new run: reads the settings
    assert host.record("softsign").state == "disabled"
    assert "softsign" not in host.registry.activations
    plugin_settings.set_enabled("softsign", True)
    assert PluginHost(use_entry_points=False).load().registry.activation("softsign")


def test_an_explicit_disabled_set_overrides_the_settings(softsign_file):
    plugin_settings.set_enabled("softsign", False)
    host = PluginHost(use_entry_points=False, disabled=()).load()
    assert host.record("softsign").state == "loaded"
    assert host.reload().record("softsign").state == "loaded"  # reload keeps the explicit set


def test_reload_reads_the_settings_again(softsign_file):
    host = PluginHost(use_entry_points=False).load()
    plugin_settings.set_enabled("softsign", False)
    fresh = host.reload()
    assert fresh is not host
    assert fresh.record("softsign").state == "disabled"
    assert host.record("softsign").state == "loaded"  # the old host is untouched
    assert (fresh.plugin_dir, fresh.safe_mode, fresh.use_entry_points) == (
        host.plugin_dir, host.safe_mode, host.use_entry_points)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def listed(capsys) -> dict[str, dict]:
    status, out, _ = run_cli(capsys, "plugins", "--json")
    assert status == 0
    return {r["name"]: r for r in json.loads(out)}


def test_cli_disable_and_enable(softsign_file, capsys):
    status, out, _ = run_cli(capsys, "plugins", "disable", "softsign")
    assert status == 0 and "softsign disabled" in out
    assert plugin_settings.load_disabled() == {"softsign"}
    assert listed(capsys)["softsign"]["state"] == "disabled"
    status, out, _ = run_cli(capsys, "plugins", "enable", "softsign")
    assert status == 0 and "softsign enabled" in out
    assert listed(capsys)["softsign"]["state"] == "loaded"


def test_cli_refuses_to_disable_an_unknown_or_built_in_plugin(softsign_file, capsys):
    status, _, err = run_cli(capsys, "plugins", "disable", "no_such_plugin")
    assert status == 1 and "no plugin named 'no_such_plugin'" in err
    status, _, err = run_cli(capsys, "plugins", "disable", "plugins.activations")
    assert status == 1 and "built in" in err
    assert plugin_settings.load_disabled() == set()
