"""The package installs like a real one: a wheel holds every module and the example networks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # offline: the test extras hold a setuptools new enough to build without isolation
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("backprop_studio-*.whl")
    return built


def test_the_wheel_holds_every_module_and_the_examples(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tree = {str(p.relative_to(ROOT)) for folder in ("core", "plugins", "desktop_app")
            for p in (ROOT / folder).rglob("*.py")} | {"backprop_studio.py"}
    assert tree - names == set()  # a new subpackage must be listed in pyproject.toml
    assert {"core/resources/examples/textbook.json", "core/resources/examples/spiral-classifier.json",
            "core/resources/lessons/backprop-by-hand.json", "core/resources/docs/math.md"} <= names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata


def test_installed_outside_the_checkout_it_traces_the_packaged_worked_example(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", purelib],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the dependencies (numpy, pluggy, …) from the test environment, after the wheel's own files;
    # a path line in a .pth file adds the folder but not the editable-install hooks inside it
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import core; print(core.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert where.stdout.strip().startswith(str(site))  # the installed copy, not the checkout
    run = subprocess.run([str(venv / "bin" / "backprop-studio"), "trace", "--example", "textbook", "--json"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert [round(v, 4) for v in result["backward"]["grad_h2"]] == [-0.2843, 0.0355, -0.1066]  # MATH.md
