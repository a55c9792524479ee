"""`export --script`: a standalone NumPy script that prints what `trace --json` prints, and trains the same."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXTBOOK = ROOT / "resources" / "examples" / "textbook.json"
EXE = Path(sys.executable).parent / "backprop-studio"

# Runs a script with every module of this project made unimportable: the script must not need them.
ISOLATED = textwrap.dedent("""
    import runpy, sys

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("core", "plugins", "desktop_app", "backprop_studio"):
                raise ImportError(name + " is blocked: the script must need only NumPy")
            return None

    sys.meta_path.insert(0, Blocker())
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")
""")


def studio(*args, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def standalone(script: Path, *args, cwd: Path) -> subprocess.CompletedProcess:
    """``python script args`` in a clean folder, with the project unimportable."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    result = subprocess.run([sys.executable, "-c", ISOLATED, str(script), *map(str, args)], capture_output=True,
                            text=True, cwd=cwd, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def assert_same_trace(ours: dict, theirs: dict) -> None:
    assert ours["network"] == theirs["network"]
    assert ours["parameters"] == theirs["parameters"]  # exactly: the weights are written in full precision
    for phase in ("forward", "backward"):
        assert list(ours[phase]) == list(theirs[phase])  # the same keys in the same order
        for key, value in theirs[phase].items():
            np.testing.assert_allclose(ours[phase][key], value, rtol=1e-12, atol=1e-15, err_msg=key)


def test_the_worked_example_script_prints_what_trace_prints(tmp_path):
    studio("export", TEXTBOOK, "--script", "net.py", cwd=tmp_path)
    args = ("--input", 2, 5, 3, "--target", 1, 0, "--json")
    theirs = json.loads(studio("trace", TEXTBOOK, *args, cwd=tmp_path).stdout)
    ours = json.loads(standalone(tmp_path / "net.py", *args, cwd=tmp_path).stdout)
    assert_same_trace(ours, theirs)
    assert [round(v, 4) for v in ours["backward"]["grad_h2"]] == [-0.2843, 0.0355, -0.1066]  # docs/math.md
    # without arguments it prints the stored example's numbers
    plain = standalone(tmp_path / "net.py", cwd=tmp_path).stdout
    assert "grad_h2" in plain and "-0.2843" in plain


def test_a_random_network_with_mixed_plugins(tmp_path):
    studio("new", "--sizes", 4, 6, 5, 3, 3, "--activations", "relu", "sigmoid", "gelu", "--loss", "squared_error",
           "--seed", 11, "-o", "random.json", cwd=tmp_path)
    studio("export", "random.json", "--script", "random_net.py", cwd=tmp_path)
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=4).round(6), rng.normal(size=3).round(6)
    args = ("--input", *x, "--target", *y, "--json")
    theirs = json.loads(studio("trace", "random.json", *args, cwd=tmp_path).stdout)
    ours = json.loads(standalone(tmp_path / "random_net.py", *args, cwd=tmp_path).stdout)
    assert_same_trace(ours, theirs)
    assert ours["network"]["activations"] == ["relu", "sigmoid", "gelu"]


def test_the_script_reads_like_the_notes_and_lints_clean(tmp_path):
    studio("export", TEXTBOOK, "--script", "net.py", cwd=tmp_path)
    source = (tmp_path / "net.py").read_text(encoding="utf-8")
    for line in ("a[k] = h[k - 1] @ W[k].T + b[k]  # a_k = b_k + W_k h_{k-1}",
                 "h[k] = g[k](a[k])  # h_k = g(a_k)",
                 "grad_W[k] = grad_a[k].T @ h[k - 1]  # ∇W_k = ∇a_k h_{k-1}ᵀ",
                 "grad_h[k - 1] = grad_a[k] @ W[k]  # ∇h_{k-1} = W_kᵀ ∇a_k",
                 "W[k] -= lr * grad_W[k]  # W_k ← W_k - η ∇W_k",
                 "return -(y - y_hat)  # ∇a_L = -(y - ŷ)"):
        assert line in source
    assert "import core" not in source and "backprop_studio" not in source
    lint = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "--isolated",
                           "--select", "E,F", "--line-length", "120", "net.py"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert lint.returncode == 0, lint.stdout
    assert os.access(tmp_path / "net.py", os.X_OK)


def test_the_scripts_training_loop_reproduces_the_apps(tmp_path, registry, textbook):
    from core.training.data import Dataset
    from core.training.trainer import TrainConfig, Trainer

    network, extras = textbook
    rng = np.random.default_rng(2)
    X = rng.normal(size=(23, 3))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    Y = np.eye(2)[labels]
    np.savetxt(tmp_path / "data.csv", np.hstack([X, Y]), delimiter=",", header="x1,x2,x3,y1,y2", comments="")
    studio("export", TEXTBOOK, "--script", "net.py", cwd=tmp_path)
    run = standalone(tmp_path / "net.py", "--train", "data.csv", "--epochs", 7, "--lr", 0.3, "--batch-size", 4,
                     "--seed", 9, "--json", cwd=tmp_path)
    ours = json.loads(run.stdout)

    config = TrainConfig(optimizer="sgd", hyperparameters={"lr": 0.3}, batch_size=4, epochs=7, seed=9)
    trainer = Trainer(network, Dataset("csv", X, labels, "classification", n_classes=2), registry, config)
    trainer.run()
    assert [e["epoch"] for e in ours["history"]] == list(range(1, 8))
    np.testing.assert_allclose([e["train_loss"] for e in ours["history"]],
                               [e.train_loss for e in trainer.history.epochs], rtol=1e-10)
    for k in range(1, network.depth + 1):
        np.testing.assert_allclose(ours["parameters"][f"W{k}"], network.W(k), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(ours["parameters"][f"b{k}"], network.b(k), rtol=1e-10, atol=1e-13)
    assert not np.allclose(ours["parameters"]["W1"], json.loads(TEXTBOOK.read_text())["parameters"]["W1"])


def test_a_lesson_file_exports_its_network(tmp_path, textbook):
    from core.lesson.lesson_file import new_lesson, save_lesson

    save_lesson(new_lesson(*textbook, title='Class "3b" \\ ok'), tmp_path / "lesson.json")
    studio("export", "lesson.json", "--script", "from_lesson.py", cwd=tmp_path)
    source = (tmp_path / "from_lesson.py").read_text(encoding="utf-8")
    assert source.splitlines()[1].startswith('"""Class 3b  ok: a 3-3-3-2 network')  # no quote can end the docstring
    ours = json.loads(standalone(tmp_path / "from_lesson.py", "--json", cwd=tmp_path).stdout)
    assert ours["forward"]["loss"] == pytest.approx(0.4391, abs=5e-5)


def features_network_file(folder: Path, regularization: str | None = "l2") -> Path:
    """A 5-6-4-2 network reading x = (x₁, x₂) through five input features, saved with a setup
    whose regularisation the loss and every ∇W_k include."""
    from core.engine.network import Network
    from core.io.network_file import save_network
    from core.training.setup import TrainingSetup

    network = Network([5, 6, 4, 2], ["tanh", "relu"], "softmax_cross_entropy", seed=3,
                      features=["x1", "x2", "x1_squared", "x1_x2", "sin_x2"], input_width=2)
    setup = TrainingSetup(dataset="spiral", optimizer="sgd", hyperparameters={"lr": 0.05}, batch_size=4, seed=2,
                          regularization=regularization, rate=0.003 if regularization else 0.0)
    path = folder / "features.json"
    save_network(network, path, example={"input": [0.7, -1.3], "target": [0, 1]}, setup=setup)
    return path


@pytest.mark.parametrize("regularization", ["l2", "l1", None])
def test_a_network_with_input_features_and_regularisation(tmp_path, regularization):
    path = features_network_file(tmp_path, regularization)
    studio("export", path, "--script", "features.py", cwd=tmp_path)
    args = ("--input", 0.4, 2.2, "--target", 1, 0, "--json")
    theirs = json.loads(studio("trace", path, *args, cwd=tmp_path).stdout)
    ours = json.loads(standalone(tmp_path / "features.py", *args, cwd=tmp_path).stdout)
    assert_same_trace(ours, theirs)
    assert ours["network"]["features"] == ["x1", "x2", "x1_squared", "x1_x2", "sin_x2"]
    assert ours["forward"]["x"] == [0.4, 2.2]  # the raw inputs, then h_0 = φ(x)
    np.testing.assert_allclose(ours["forward"]["h0"], [0.4, 2.2, 0.16, 0.88, np.sin(2.2)], rtol=1e-15)
    if regularization is None:
        assert "penalty" not in ours["forward"]
    else:  # the loss includes λ Σ_k R(W_k), which the script computes from the weights itself
        assert ours["forward"]["penalty"] > 0
        assert theirs["forward"]["loss"] - theirs["forward"]["penalty"] == pytest.approx(
            -np.log(theirs["forward"]["yhat"][0]), rel=1e-12)
        assert f"REGULARIZER, RATE = {regularization!r}, 0.003" in (tmp_path / "features.py").read_text()


def test_the_scripts_training_with_features_and_l2_reproduces_the_apps(tmp_path, registry):
    from core.io.network_file import load_network
    from core.training.data import Dataset
    from core.training.trainer import Trainer

    path = features_network_file(tmp_path, "l2")
    network, extras = load_network(path)
    rng = np.random.default_rng(8)
    X = rng.uniform(-2, 2, size=(30, 2))
    labels = (X[:, 0] * X[:, 1] > 0).astype(int)
    np.savetxt(tmp_path / "data.csv", np.hstack([X, np.eye(2)[labels]]), delimiter=",")
    studio("export", path, "--script", "features.py", cwd=tmp_path)
    # --train's defaults are the saved setup's: learning rate, batch size and seed
    ours = json.loads(standalone(tmp_path / "features.py", "--train", "data.csv", "--epochs", 6, "--json",
                                 cwd=tmp_path).stdout)

    trainer = Trainer(network, Dataset("csv", X, labels, "classification", n_classes=2), registry,
                      extras["setup"].config(epochs=6))
    trainer.run()
    assert trainer.config.regularization == "l2" and trainer.config.batch_size == 4
    np.testing.assert_allclose([e["train_loss"] for e in ours["history"]],
                               [e.train_loss for e in trainer.history.epochs], rtol=1e-10)
    for k in range(1, network.depth + 1):
        np.testing.assert_allclose(ours["parameters"][f"W{k}"], network.W(k), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(ours["parameters"][f"b{k}"], network.b(k), rtol=1e-10, atol=1e-13)
