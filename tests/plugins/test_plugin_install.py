"""core.plugin_host.install: what installing or removing a target means (shared by CLI and dialog)."""
from __future__ import annotations

import sys

import pytest

from core.plugin_host import install as plugin_install
from core.plugin_host.host import PluginHost, user_plugin_dir
from core.plugin_host.install import InstallError, plan_install, plan_uninstall


def test_a_py_file_is_copied_into_the_plugin_folder(tmp_path):
    source = tmp_path / "mine.py"
    source.write_text("x = 1\n")
    plan = plan_install(str(source))
    assert (plan.kind, plan.destination) == ("copy", user_plugin_dir() / "mine.py")
    assert plugin_install.copy_plugin_file(plan).read_text() == "x = 1\n"
    removal = plan_uninstall("mine")
    assert removal.kind == "remove"
    plugin_install.remove_plugin_file(removal)
    assert not (user_plugin_dir() / "mine.py").exists()


def test_folders_wheels_and_names_go_to_pip_of_this_interpreter(tmp_path):
    plan = plan_install(str(tmp_path), ["--no-deps"])
    assert plan.command[:3] == [sys.executable, "-m", "pip"]
    assert plan.command[-3:] == ["install", "--no-deps", str(tmp_path.resolve())]
    assert plan_install("backprop-swish==0.1").command[-2:] == ["install", "backprop-swish==0.1"]


@pytest.mark.parametrize("target", ["", "missing.py", "./missing-folder", "missing.whl"])
def test_missing_targets_are_refused(target):
    with pytest.raises(InstallError):
        plan_install(target)


def test_an_entry_point_name_is_uninstalled_by_its_distribution(tmp_path, monkeypatch):
    dist = tmp_path / "backprop_swish-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: backprop-swish\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[backprop_studio]\nswish = not_importable_swish\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert plugin_install.distribution_of("swish") == "backprop-swish"
    assert plan_uninstall("swish").command[-1] == "backprop-swish"
    assert plan_uninstall("backprop-swish").command[-3:] == ["uninstall", "-y", "backprop-swish"]
    # installed but not importable in this process (e.g. an editable .pth): restart needed
    host = PluginHost(plugin_dir=tmp_path / "none").load()
    reasons = plugin_install.restart_reasons({}, host)
    assert any("swish" in r and "restart" in r for r in reasons)
