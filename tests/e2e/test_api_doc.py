"""docs/api.md: the session it shows runs, and the public names are all there."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import backprop_studio as bps

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_the_documented_session_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 4
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    out = capsys.readouterr().out
    assert "0.4391" in out and "-0.2843" in out  # MATH.md's loss and ∇h_2
    assert "input must have 2 value(s) per sample" in out
    assert "True True" in out and out.count("True") >= 3  # the setup's target, then the saved setup
    assert np.isfinite(namespace["last"].train_loss)
    phi = namespace["t"]  # the features-and-L2 block: h_0 = φ(x), and λ ½ Σ_k ‖W_k‖² in the loss
    assert np.allclose(phi.h[0], [[0.5, -1.0, 0.25, np.sin(-1.0)]])
    expected = 0.01 * sum(0.5 * float(np.sum(W**2)) for W in namespace["phi_net"].weights)
    assert phi.penalty > 0 and abs(phi.penalty - expected) < 1e-12
    reopened, _ = bps.load_network(tmp_path / "spiral.json")
    assert reopened.sizes == [2, 8, 8, 2]
    assert np.array_equal(reopened.W(1), namespace["net"].W(1))


def test_every_public_name_is_documented_and_exists():
    text = DOC.read_text(encoding="utf-8")
    for name in bps.__all__:
        assert hasattr(bps, name)
        assert f"`{name}" in text or f" {name}" in text, name
