"""The GUI side of the console script, run as a subprocess: screenshot, and no display."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "backprop-studio"


def run(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=ROOT)


def test_screenshot_writes_a_png(tmp_path):
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the command forces offscreen itself
    env.pop("DISPLAY", None)
    out = tmp_path / "x.png"
    result = run(["screenshot", "-o", str(out), "--size", "1200x800"], env)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    assert int.from_bytes(data[16:20], "big") == 1200  # IHDR width


def test_screenshot_of_a_trained_spiral(tmp_path):
    out = tmp_path / "spiral.png"
    example = ROOT / "resources" / "examples" / "spiral-classifier.json"
    result = run(["screenshot", str(example), "--dataset", "spiral", "--train", "5", "-o", str(out)],
                 dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000


def test_screenshot_of_a_missing_file_is_one_clear_error(tmp_path):
    result = run(["screenshot", str(tmp_path / "nope.json"), "-o", str(tmp_path / "y.png")], dict(os.environ))
    assert result.returncode != 0
    assert "nope.json" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is for Linux")
def test_no_display_prints_one_line_and_exits(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = run([], env, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == ["backprop-studio: no display found: run it in a desktop session, "
                     "or headless with `xvfb-run -a backprop-studio`"]
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr


def test_one_command_tree_lists_every_command_and_implies_open(capsys):
    from desktop_app import cli

    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    listed = capsys.readouterr().out
    for name in ("open", "new", "trace", "train", "plugins", "screenshot"):
        assert f"    {name}" in listed
    assert cli.with_implied_open([]) == ["open"]
    assert cli.with_implied_open(["net.json", "--safe-mode"]) == ["open", "net.json", "--safe-mode"]
    assert cli.with_implied_open(["trace", "net.json"]) == ["trace", "net.json"]
    with pytest.raises(SystemExit) as done:  # every command's help comes from the same tree
        cli.main(["screenshot", "--help"])
    assert done.value.code == 0
    assert "usage: backprop-studio screenshot" in capsys.readouterr().out


def test_screenshot_of_an_element_view_and_a_question(tmp_path):
    out = tmp_path / "element.png"
    result = run(["screenshot", "-o", str(out), "--step", "grad_h2", "--select", "h2[1]", "--quiz",
                  "--answer", "0.2"], dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = run(["screenshot", "-o", str(tmp_path / "x.png"), "--step", "grad_h2", "--select", "W9[1,1]"],
              dict(os.environ))
    assert bad.returncode != 0 and "W9[1,1]" in bad.stderr and "Traceback" not in bad.stderr
