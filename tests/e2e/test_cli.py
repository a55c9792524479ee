"""The console script `backprop-studio`, run as a user runs it (a subprocess)."""
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
SCRIPT = Path(sys.executable).parent / "backprop-studio"
BUILTINS = {"plugins.activations", "plugins.losses", "plugins.optimizers", "plugins.datasets", "plugins.features",
            "plugins.regularizers"}

GOOD_PLUGIN = textwrap.dedent('''
    import numpy as np
    import pluggy

    __version__ = "1.2.3"
    hookimpl = pluggy.HookimplMarker("backprop_studio")

    @hookimpl
    def register_activations(register):
        register(name="softsign", fn=lambda a: a / (1 + np.abs(a)),
                 derivative=lambda a: 1 / (1 + np.abs(a)) ** 2, formula=r"g(a) = a / (1 + |a|)")
''')

LYING_PLUGIN = textwrap.dedent('''
    import numpy as np
    import pluggy

    hookimpl = pluggy.HookimplMarker("backprop_studio")

    @hookimpl
    def register_activations(register):
        register(name="lying", fn=np.tanh, derivative=lambda a: np.ones_like(a))
''')


def run(*args, cwd: Path, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}  # the conftest's isolated plugin dir included
    environment.pop("BACKPROP_STUDIO_DEBUG", None)
    result = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                            env=environment, timeout=120)
    if check:
        assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr}"
    return result


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("backprop-studio: error: ")
    for word in words:
        assert word in line, line
    return line


@pytest.fixture
def plugin_dir() -> Path:
    return Path(os.environ["BACKPROP_STUDIO_PLUGIN_DIR"])


@pytest.fixture
def net3332(tmp_path) -> Path:
    run("new", "--sizes", 3, 3, 3, 2, "--activation", "tanh", "--loss", "softmax_cross_entropy",
        "--seed", 1, "-o", "f.json", cwd=tmp_path)
    return tmp_path / "f.json"


def test_console_script_exists():
    assert SCRIPT.is_file() and os.access(SCRIPT, os.X_OK)


# -- new + trace --json -----------------------------------------------------------
def test_trace_json_has_the_documented_shape(tmp_path, net3332):
    saved = json.loads(net3332.read_text())
    assert saved["network"]["sizes"] == [3, 3, 3, 2] and saved["network"]["seed"] == 1
    result = run("trace", "f.json", "--input", 2, 5, 3, "--target", 1, 0, "--json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert set(data) == {"network", "parameters", "forward", "backward", "steps"}
    assert data["network"] == {"sizes": [3, 3, 3, 2], "activations": ["tanh", "tanh"],
                               "loss": "softmax_cross_entropy"}
    assert list(data["forward"]) == ["h0", "a1", "h1", "a2", "h2", "a3", "yhat", "loss"]
    assert list(data["backward"]) == ["grad_a3", "grad_W3", "grad_b3", "grad_h2", "grad_a2",
                                      "grad_W2", "grad_b2", "grad_h1", "grad_a1",
                                      "grad_W1", "grad_b1", "grad_h0"]
    sizes = [3, 3, 3, 2]
    P = {k: np.array(v) for k, v in data["parameters"].items()}
    assert set(P) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    for k in (1, 2, 3):
        assert P[f"W{k}"].shape == (sizes[k], sizes[k - 1])  # n_k × n_{k-1}
        assert P[f"b{k}"].shape == (sizes[k],)
        np.testing.assert_array_equal(P[f"W{k}"], saved["parameters"][f"W{k}"])
    steps = data["steps"]
    assert [s["quantity"] for s in steps] == [
        "a1", "h1", "a2", "h2", "a3", "yhat", "loss", "grad_a3", "grad_W3", "grad_b3", "grad_h2",
        "grad_a2", "grad_W2", "grad_b2", "grad_h1", "grad_a1", "grad_W1", "grad_b1", "grad_h0"]
    assert [s["phase"] for s in steps] == ["forward"] * 7 + ["backward"] * 12
    assert all({"phase", "layer", "quantity", "formula"} <= set(s) for s in steps)
    assert steps[0]["formula"] == "a_1 = b_1 + W_1 h_0" and steps[0]["layer"] == 1

    # the numbers, recomputed independently from the printed parameters
    f, b = data["forward"], data["backward"]
    h = [np.array([2.0, 5.0, 3.0])]
    np.testing.assert_array_equal(f["h0"], h[0])
    for k in (1, 2):
        a = P[f"W{k}"] @ h[-1] + P[f"b{k}"]
        np.testing.assert_allclose(f[f"a{k}"], a, rtol=1e-12, atol=1e-15)
        h.append(np.tanh(a))
        np.testing.assert_allclose(f[f"h{k}"], h[-1], rtol=1e-12, atol=1e-15)
    a3 = P["W3"] @ h[2] + P["b3"]
    yhat = np.exp(a3) / np.exp(a3).sum()
    np.testing.assert_allclose(f["a3"], a3, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(f["yhat"], yhat, rtol=1e-12)
    assert f["loss"] == pytest.approx(-np.log(yhat[0]), rel=1e-12)
    grad_a = yhat - [1, 0]
    np.testing.assert_allclose(b["grad_a3"], grad_a, rtol=1e-12, atol=1e-15)
    for k in (3, 2, 1):
        np.testing.assert_allclose(b[f"grad_W{k}"], np.outer(grad_a, h[k - 1]), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(b[f"grad_b{k}"], grad_a, rtol=1e-10, atol=1e-15)
        grad_h = P[f"W{k}"].T @ grad_a
        np.testing.assert_allclose(b[f"grad_h{k - 1}"], grad_h, rtol=1e-10, atol=1e-15)
        if k > 1:
            grad_a = grad_h * (1 - np.tanh(f[f"a{k - 1}"]) ** 2)
            np.testing.assert_allclose(b[f"grad_a{k - 1}"], grad_a, rtol=1e-10, atol=1e-15)


def test_trace_textbook_human_output_has_math_md_numbers(tmp_path):
    result = run("trace", TEXTBOOK, "--input", 2, 5, 3, "--target", 1, 0, cwd=tmp_path)
    out = result.stdout
    for number in ("0.4391", "-0.2843", "0.0355", "-0.1066", "0.6446", "0.3554", "-0.3554",
                   "0.4196", "-0.2396", "0.2338", "0.1273", "0.0073", "-0.0041"):
        assert number in out, number
    # the notes' wrong ∇h_2 is not printed
    assert "0.2300" not in out and " 0.23 " not in out
    assert out.index("grad_h2") < out.index("-0.2843")


def test_trace_uses_the_files_example_by_default(tmp_path):
    result = run("trace", TEXTBOOK, "--json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["forward"]["h0"] == [2.0, 5.0, 3.0]
    assert round(data["forward"]["loss"], 4) == 0.4391


# -- train ------------------------------------------------------------------------
def test_train_xor_json_and_output_file(tmp_path):
    run("new", "--sizes", 2, 4, 2, "--activation", "tanh", "--seed", 3, "-o", "f2.json", cwd=tmp_path)
    result = run("train", "f2.json", "--dataset", "xor", "--epochs", 5, "-o", "out.json", "--json",
                 cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["dataset"] == "xor" and data["optimizer"] == "sgd" and data["epochs"] == 5
    assert len(data["history"]) == 5
    final = data["final"]
    assert isinstance(final["train_loss"], float) and np.isfinite(final["train_loss"])
    assert final["epoch"] == 5 and final == data["history"][-1]
    assert 0 <= final["train_accuracy"] <= 1 and final["test_loss"] is not None
    # 200 samples, 20 % held out: 160 in batches of 10 is 16 steps per epoch
    assert data["steps"] == 5 * 16
    before = json.loads((tmp_path / "f2.json").read_text())
    after = json.loads((tmp_path / "out.json").read_text())
    assert after["network"] == before["network"]
    assert after["parameters"]["W1"] != before["parameters"]["W1"]
    assert np.array(after["parameters"]["W1"]).shape == (4, 2)


def test_train_human_output(tmp_path):
    run("new", "--sizes", 2, 3, 2, "-o", "g.json", cwd=tmp_path)
    result = run("train", "g.json", "--dataset", "gaussians", "--epochs", 2, cwd=tmp_path)
    assert result.stdout.startswith("trained 2 epochs")
    assert "loss" in result.stdout and "accuracy" in result.stdout


def test_train_uses_the_saved_setup_and_flags_override_it(tmp_path):
    spiral = ROOT / "resources" / "examples" / "spiral-classifier.json"
    saved = json.loads(spiral.read_text())["setup"]
    result = run("train", spiral, "--epochs", 2, "--json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["dataset"] == "spiral" and data["optimizer"] == saved["optimizer"]["name"]
    assert data["setup"]["optimizer"] == saved["optimizer"] and data["setup"]["stop"]["epochs"] == 2
    # flags win; a new optimizer keeps the saved learning rate; -o saves the setup used
    result = run("train", spiral, "--epochs", 1, "--optimizer", "momentum", "--batch-size", 20,
                 "--seed", 5, "-o", "out.json", "--json", cwd=tmp_path)
    used = json.loads(result.stdout)["setup"]
    assert used["optimizer"]["name"] == "momentum" and used["batch_size"] == 20
    assert used["optimizer"]["hyperparameters"]["lr"] == saved["optimizer"]["hyperparameters"]["lr"]
    assert used["dataset"]["seed"] == 5 and json.loads(result.stdout)["steps"] == 8  # 160 / 20
    written = json.loads((tmp_path / "out.json").read_text())
    assert written["version"] == 2 and written["setup"] == used
    again = json.loads(run("train", "out.json", "--json", cwd=tmp_path).stdout)  # no flags: out.json's setup
    assert again["setup"] == used and again["steps"] == 8


def test_train_stops_at_a_saved_target(tmp_path):
    run("new", "--sizes", 2, 8, 2, "--seed", 1, "-o", "n.json", cwd=tmp_path)
    data = json.loads((tmp_path / "n.json").read_text())
    data["setup"] = {"dataset": {"name": "gaussians"}, "optimizer": {"name": "sgd", "hyperparameters": {"lr": 0.1}},
                     "stop": {"epochs": 200, "test_accuracy": 0.9}}
    (tmp_path / "n.json").write_text(json.dumps(data))
    result = json.loads(run("train", "n.json", "--json", cwd=tmp_path).stdout)
    assert result["epochs"] < 200 and "test-accuracy target 90%" in result["stopped"]
    assert result["final"]["test_accuracy"] >= 0.9


def test_a_csv_in_the_saved_setup_is_found_next_to_the_file(tmp_path, net3332):
    folder = tmp_path / "lesson"
    folder.mkdir()
    rows = ["a,b,c,y"] + [f"{i},{i % 3},{-i},{np.sin(i):.4f}" for i in range(30)]
    (folder / "data.csv").write_text("\n".join(rows) + "\n")
    result = run("train", "f.json", "--dataset", folder / "data.csv", "--target-column", "y", "--epochs", 1,
                 "-o", folder / "lesson.json", "--json", cwd=tmp_path, check=False)
    assert "output" in result.stderr  # 3 outputs cannot fit one regression target: say so
    run("new", "--sizes", 3, 4, 1, "--loss", "squared_error", "-o", folder / "r.json", cwd=tmp_path)
    result = run("train", folder / "r.json", "--dataset", folder / "data.csv", "--target-column", "y",
                 "--epochs", 1, "-o", folder / "lesson.json", "--json", cwd=tmp_path)
    assert json.loads(result.stdout)["final"]["train_accuracy"] is None  # regression
    assert json.loads((folder / "lesson.json").read_text())["setup"]["dataset"]["name"] == "data.csv"
    result = run("train", "lesson.json", "--json", cwd=folder)
    assert json.loads(result.stdout)["setup"]["dataset"]["target_column"] == "y"


def test_train_without_a_setup_or_dataset_says_what_to_do(tmp_path):
    result = run("train", TEXTBOOK, cwd=tmp_path, check=False)
    assert_one_line_error(result, "no saved training setup", "--dataset")


# -- errors: one line, non-zero exit, no traceback -------------------------------------
def test_error_missing_file(tmp_path):
    result = run("trace", "nope.json", "--input", 1, "--target", 1, cwd=tmp_path, check=False)
    assert_one_line_error(result, "nope.json", "no such file")


def test_error_corrupt_file(tmp_path):
    (tmp_path / "bad.json").write_text('{"format": "backprop-studio-network", "version": 1, ')
    result = run("trace", "bad.json", "--input", 1, "--target", 1, cwd=tmp_path, check=False)
    assert_one_line_error(result, "bad.json", "not valid JSON")


def test_error_binary_file(tmp_path):
    (tmp_path / "x.json").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    result = run("train", "x.json", "--dataset", "xor", cwd=tmp_path, check=False)
    assert_one_line_error(result, "not a text file")


def test_error_unknown_activation_in_new(tmp_path):
    result = run("new", "--sizes", 3, 3, 2, "--activation", "nosuch", "-o", "n.json", cwd=tmp_path,
                 check=False)
    line = assert_one_line_error(result, "unknown activation 'nosuch'")
    assert "tanh" in line  # says what is available
    assert not (tmp_path / "n.json").exists()


def test_error_bad_sizes_in_new(tmp_path):
    result = run("new", "--sizes", 3, 0, 2, "-o", "n.json", cwd=tmp_path, check=False)
    assert_one_line_error(result, "between 1")


def test_error_wrong_input_length(tmp_path):
    result = run("trace", TEXTBOOK, "--input", 2, 5, "--target", 1, 0, cwd=tmp_path, check=False)
    assert_one_line_error(result, "input", "3 value(s)", "got 2")


def test_error_unknown_dataset(tmp_path, net3332):
    result = run("train", "f.json", "--dataset", "nosuch", cwd=tmp_path, check=False)
    line = assert_one_line_error(result, "unknown dataset 'nosuch'")
    assert "xor" in line


def test_error_csv_without_target_column(tmp_path, net3332):
    (tmp_path / "data.csv").write_text("a,b,c,label\n1,2,3,x\n4,5,6,y\n7,8,9,x\n")
    result = run("train", "f.json", "--dataset", "data.csv", cwd=tmp_path, check=False)
    assert_one_line_error(result, "--target-column")


def test_csv_with_target_column_trains(tmp_path, net3332):
    rows = ["a,b,c,label"] + [f"{i},{i % 3},{-i},{'x' if i % 2 else 'y'}" for i in range(20)]
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n")
    result = run("train", "f.json", "--dataset", "data.csv", "--target-column", "label", "--epochs", 1,
                 "--json", cwd=tmp_path)
    assert json.loads(result.stdout)["final"]["epoch"] == 1


def test_error_dataset_does_not_fit(tmp_path, net3332):
    result = run("train", "f.json", "--dataset", "xor", cwd=tmp_path, check=False)
    assert_one_line_error(result, "input layer is 3 wide")


# -- plugins ----------------------------------------------------------------------
def test_plugins_json_lists_the_builtins(tmp_path):
    records = json.loads(run("plugins", "--json", cwd=tmp_path).stdout)
    by_name = {r["name"]: r for r in records}
    assert BUILTINS <= set(by_name)
    for name in BUILTINS:
        record = by_name[name]
        assert {"name", "version", "source", "state", "error", "warnings", "contributes"} <= set(record)
        assert record["source"] == "built-in"
        assert record["state"] == "loaded" and record["error"] is None and record["warnings"] == []
    gives: dict[str, set] = {}
    for r in records:
        for kind, names in r["contributes"].items():
            gives.setdefault(kind, set()).update(names)
    assert {"sigmoid", "tanh", "relu", "leaky_relu", "linear"} <= set(by_name["plugins.activations"]
                                                                      ["contributes"]["activations"])
    assert {"softmax_cross_entropy", "squared_error"} <= gives["losses"]
    assert {"sgd", "momentum", "adam"} <= gives["optimizers"]
    assert "xor" in gives["datasets"]


def test_plugins_table(tmp_path):
    out = run("plugins", cwd=tmp_path).stdout
    assert out.splitlines()[0].split()[:4] == ["NAME", "VERSION", "SOURCE", "STATE"]
    assert "plugins.activations" in out and "tanh" in out


def names_listed(tmp_path, *args, env=None) -> set[str]:
    return {r["name"] for r in json.loads(run("plugins", "--json", *args, cwd=tmp_path, env=env).stdout)}


def test_safe_mode_skips_plugin_folder(tmp_path, plugin_dir):
    plugin_dir.mkdir(parents=True, exist_ok=True)
    (plugin_dir / "softsign_plugin.py").write_text(GOOD_PLUGIN)
    records = json.loads(run("plugins", "--json", cwd=tmp_path).stdout)
    mine = [r for r in records if r["name"] == "softsign_plugin"]
    assert len(mine) == 1 and mine[0]["source"] == "file" and mine[0]["state"] == "loaded"
    assert mine[0]["version"] == "1.2.3" and mine[0]["contributes"]["activations"] == ["softsign"]

    assert "softsign_plugin" not in names_listed(tmp_path, "--safe-mode")
    assert "softsign_plugin" not in names_listed(tmp_path, env={"BACKPROP_STUDIO_SAFE_MODE": "1"})
    assert BUILTINS <= names_listed(tmp_path, "--safe-mode")

    run("new", "--sizes", 2, 3, 2, "--activation", "softsign", "-o", "s.json", cwd=tmp_path)
    result = run("new", "--sizes", 2, 3, 2, "--activation", "softsign", "-o", "t.json", "--safe-mode",
                 cwd=tmp_path, check=False)
    assert_one_line_error(result, "unknown activation 'softsign'")
    result = run("trace", "s.json", "--input", 1, 2, "--target", 0, 1, cwd=tmp_path, check=False,
                 env={"BACKPROP_STUDIO_SAFE_MODE": "1"})
    assert_one_line_error(result, "softsign")


def test_plugins_install_and_uninstall_a_file(tmp_path, plugin_dir):
    source = tmp_path / "some_plugin.py"
    source.write_text(GOOD_PLUGIN)
    assert "some_plugin" not in names_listed(tmp_path)
    run("plugins", "install", source, cwd=tmp_path)
    assert (plugin_dir / "some_plugin.py").read_text() == GOOD_PLUGIN
    assert "some_plugin" in names_listed(tmp_path)
    assert "some_plugin" in run("plugins", cwd=tmp_path).stdout
    run("plugins", "uninstall", "some_plugin", cwd=tmp_path)
    assert not (plugin_dir / "some_plugin.py").exists()
    assert "some_plugin" not in names_listed(tmp_path)


def test_plugins_install_missing_file(tmp_path):
    result = run("plugins", "install", "missing_plugin.py", cwd=tmp_path, check=False)
    assert_one_line_error(result, "missing_plugin.py", "no such file")


def test_lying_derivative_is_flagged_and_refused(tmp_path, plugin_dir):
    plugin_dir.mkdir(parents=True, exist_ok=True)
    (plugin_dir / "lying_plugin.py").write_text(LYING_PLUGIN)
    records = {r["name"]: r for r in json.loads(run("plugins", "--json", cwd=tmp_path).stdout)}
    record = records["lying_plugin"]
    assert record["state"] == "flagged"
    assert any("lying" in w and "derivative" in w for w in record["warnings"])
    assert all(records[name]["state"] == "loaded" for name in BUILTINS)  # the others still load
    result = run("new", "--sizes", 3, 3, 2, "--activation", "lying", "-o", "l.json", cwd=tmp_path,
                 check=False)
    assert_one_line_error(result, "lying", "derivative")
    assert not (tmp_path / "l.json").exists()


def test_a_broken_plugin_does_not_stop_the_cli(tmp_path, plugin_dir):
    plugin_dir.mkdir(parents=True, exist_ok=True)
    (plugin_dir / "broken_plugin.py").write_text("raise RuntimeError('boom at import')\n")
    records = {r["name"]: r for r in json.loads(run("plugins", "--json", cwd=tmp_path).stdout)}
    assert records["broken_plugin"]["state"] == "failed"
    assert "boom at import" in records["broken_plugin"]["error"]
    result = run("trace", TEXTBOOK, "--json", cwd=tmp_path)
    assert round(json.loads(result.stdout)["forward"]["loss"], 4) == 0.4391
