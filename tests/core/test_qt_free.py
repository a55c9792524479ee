"""core/ and plugins/ never need Qt: checked in a process where Qt cannot be imported."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import core
import plugins

ROOT = Path(core.__file__).resolve().parents[1]
QT_NAMES = ("PySide6", "shiboken6", "pyqtgraph", "superqt", "PyQt5", "PyQt6", "qtpy")

BLOCKED_RUN = textwrap.dedent(r"""
    import importlib, json, pkgutil, sys

    BLOCKED = {blocked!r}

    class QtBlocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{{name}} is blocked: core and plugins must not import Qt")
            return None

    sys.meta_path.insert(0, QtBlocker())
    try:  # the blocker really blocks
        import PySide6  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker let PySide6 through")

    import backprop_studio  # noqa: F401  (the public API)

    imported = ["backprop_studio"]
    for package in ("core", "plugins"):
        module = importlib.import_module(package)
        imported.append(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            importlib.import_module(info.name)
            imported.append(info.name)

    from core.plugin_host.host import PluginHost
    from core.io.network_file import load_network
    from core.engine.passes import run_trace
    from core.stepthrough.steps import all_steps

    host = PluginHost(safe_mode=True).load()
    failed = [r.name for r in host.records if r.state != "loaded"]
    network, _ = load_network({textbook!r})
    trace = run_trace(network, [2, 5, 3], [1, 0], host.registry)
    steps = all_steps(trace)
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    print(json.dumps({{"imported": imported, "failed": failed, "loss": trace.loss,
                      "steps": len(steps), "leaked": leaked}}))
""")


def module_name(path: Path) -> str:
    """core/engine/passes.py -> core.engine.passes; core/cli/__init__.py -> core.cli"""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_core_and_plugins_import_and_trace_with_qt_blocked(tmp_path):
    code = BLOCKED_RUN.format(blocked=QT_NAMES[:4],
                              textbook=str(ROOT / "resources" / "examples" / "textbook.json"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    expected_modules = {module_name(p) for p in (ROOT / "core").rglob("*.py")}
    expected_modules |= {module_name(p) for p in (ROOT / "plugins").rglob("*.py")}
    assert expected_modules <= set(report["imported"])
    assert {"core.engine.passes", "core.cli", "plugins.activations", "plugins.losses"} <= set(report["imported"])
    assert report["failed"] == []
    assert round(report["loss"], 4) == 0.4391  # MATH.md
    assert report["steps"] == 19
    assert report["leaked"] == []


IMPORT_PATTERN = re.compile(
    r"^\s*(?:import\s+[\w., ]*\b(?P<a>{names})\b|from\s+(?P<b>{names})\b[\w.]*\s+import)".format(
        names="|".join(QT_NAMES)), re.M)
DYNAMIC_PATTERN = re.compile(
    r"""(?:import_module|__import__|find_spec)\(\s*['"](?:{names})\b""".format(names="|".join(QT_NAMES)))


def qt_imports(text: str) -> list[str]:
    return [m.group(0).strip() for m in IMPORT_PATTERN.finditer(text)] + \
           [m.group(0).strip() for m in DYNAMIC_PATTERN.finditer(text)]


def test_no_qt_import_in_core_or_plugins_sources():
    sources = sorted((ROOT / "core").rglob("*.py")) + sorted((ROOT / "plugins").rglob("*.py"))
    assert any(p.parent.name == "plugins" for p in sources)
    assert len(sources) >= 12
    offenders = {str(p.relative_to(ROOT)): found for p in sources
                 if (found := qt_imports(p.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_static_check_would_catch_qt_imports():
    text = textwrap.dedent("""
        import numpy as np
        from PySide6.QtCore import QObject
        import pyqtgraph as pg
        import os, superqt
        x = importlib.import_module("shiboken6")
        # a comment mentioning PySide6 is fine
        text = "PySide6"
    """)
    assert len(qt_imports(text)) == 4


def test_packages_are_the_ones_on_disk():
    assert Path(core.__file__).resolve().parent == ROOT / "core"
    assert Path(plugins.__file__).resolve().parent == ROOT / "plugins"
