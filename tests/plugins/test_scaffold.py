"""`backprop-studio plugins new NAME` writes a plugin project whose own tests pass as written."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from core import cli
from core.plugin_host.scaffold import ScaffoldError, plugin_names, scaffold_plugin


def fake_install(project: Path, site: Path) -> None:
    """What `pip install` leaves for the entry point: a dist-info folder on sys.path."""
    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    dist = site / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n")
    entries = "".join(f"{k} = {v}\n" for k, v in meta["entry-points"]["backprop_studio"].items())
    (dist / "entry_points.txt").write_text("[backprop_studio]\n" + entries)


def test_plugins_new_writes_the_project(tmp_path, capsys):
    assert cli.main(["plugins", "new", "scaled-tanh", "-o", str(tmp_path)]) == 0
    project = tmp_path / "backprop-scaled-tanh"
    assert str(project) in capsys.readouterr().out
    files = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert files == ["README.md", "backprop_scaled_tanh.py", "pyproject.toml", "tests/test_scaled_tanh.py"]
    meta = tomllib.loads((project / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "backprop-scaled-tanh"
    assert meta["project"]["entry-points"]["backprop_studio"] == {"scaled_tanh": "backprop_scaled_tanh"}
    assert "plugin_host" in (project / "tests" / "test_scaled_tanh.py").read_text()


def test_the_default_folder_is_the_current_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["plugins", "new", "bent"]) == 0
    assert (tmp_path / "backprop-bent" / "backprop_bent.py").is_file()


@pytest.mark.parametrize("name, message", [("tanh", "built-in"), ("9lives", "cannot name"),
                                           ("a.b", "cannot name"), ("", "cannot name")])
def test_bad_names_are_refused(name, message):
    with pytest.raises(ScaffoldError, match=message):
        plugin_names(name)


def test_an_existing_project_is_not_overwritten(tmp_path, capsys):
    scaffold_plugin("bent", tmp_path)
    status = cli.main(["plugins", "new", "bent", "-o", str(tmp_path)])
    assert status == 1
    assert "already exists" in capsys.readouterr().err


def test_the_generated_activation_loads_unflagged(tmp_path, plugin_host, check_activation):
    project = scaffold_plugin("scaled_tanh", tmp_path)
    spec = importlib.util.spec_from_file_location("backprop_scaled_tanh", project / "backprop_scaled_tanh.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    record = plugin_host.add_plugin(module, "scaled_tanh")
    assert record.state == "loaded", record.warnings
    result = check_activation("scaled_tanh")
    assert result.passed and result.max_derivative_error < 1e-8
    act = plugin_host.registry.activation("scaled_tanh")
    assert act.formula and act.derivative_formula


def test_the_generated_tests_pass_as_written(tmp_path):
    project = scaffold_plugin("scaled_tanh", tmp_path)
    site = tmp_path / "site"
    fake_install(project, site)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(project)])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_generated_entry_point_test_fails_when_not_installed(tmp_path):
    """The entry-point test is real: without the installed metadata it says what to do."""
    project = scaffold_plugin("scaled_tanh", tmp_path)
    env = {**os.environ, "PYTHONPATH": str(project)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "3 passed" in result.stdout and "pip install -e ." in result.stdout
