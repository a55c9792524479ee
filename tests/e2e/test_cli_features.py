"""`trace` and `train` with input features and a regularizer saved in the file (issue 11, items 3, 4)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.engine.network import Network
from core.io.network_file import save_network
from core.training.setup import TrainingSetup
from tests.e2e.test_cli import assert_one_line_error, run


@pytest.fixture
def featured(tmp_path):
    network = Network([3, 4, 2], "tanh", features=["x1", "x1_squared", "sin_x2"], seed=1)
    path = tmp_path / "featured.json"
    save_network(network, path, setup=TrainingSetup(dataset="circles", regularization="l2", rate=0.01))
    return network, path


def test_trace_json_has_x_and_h0_equal_to_phi_of_x_and_the_penalty(tmp_path, featured):
    network, path = featured
    data = json.loads(run("trace", path, "--input", 0.5, -1.0, "--target", 1, 0, "--json", cwd=tmp_path).stdout)
    assert data["network"]["features"] == ["x1", "x1_squared", "sin_x2"] and data["network"]["input_width"] == 2
    assert data["forward"]["x"] == [0.5, -1.0]
    np.testing.assert_allclose(data["forward"]["h0"], [0.5, 0.25, np.sin(-1.0)], rtol=1e-15)
    penalty = 0.01 * sum(0.5 * float(np.sum(W**2)) for W in network.weights)
    assert data["forward"]["penalty"] == pytest.approx(penalty, rel=1e-12)
    assert data["forward"]["loss"] > data["forward"]["penalty"] > 0


def test_trace_refuses_inputs_of_the_feature_width(tmp_path, featured):
    _, path = featured
    result = run("trace", path, "--input", 0.5, -1.0, 2.0, "--target", 1, 0, cwd=tmp_path, check=False)
    assert_one_line_error(result, "2 value")


def test_train_uses_the_saved_regularizer_and_flags_override_it(tmp_path, featured):
    _, path = featured
    saved = json.loads(run("train", path, "--epochs", 2, "--json", cwd=tmp_path).stdout)
    assert saved["setup"]["regularization"] == {"name": "l2", "rate": 0.01}
    out = tmp_path / "l1.json"
    changed = json.loads(run("train", path, "--epochs", 2, "--regularization", "l1", "--rate", 0.002,
                             "-o", out, "--json", cwd=tmp_path).stdout)
    assert changed["setup"]["regularization"] == {"name": "l1", "rate": 0.002}
    assert json.loads(out.read_text())["setup"]["regularization"] == {"name": "l1", "rate": 0.002}
    assert json.loads(out.read_text())["network"]["features"] == ["x1", "x1_squared", "sin_x2"]
    none = json.loads(run("train", path, "--epochs", 1, "--regularization", "none", "--json", cwd=tmp_path).stdout)
    assert none["setup"]["regularization"] is None


def test_an_unknown_regularizer_is_one_line_naming_it(tmp_path, featured):
    _, path = featured
    result = run("train", path, "--regularization", "l3", cwd=tmp_path, check=False)
    assert_one_line_error(result, "l3")


def test_trace_steps_start_with_phi_and_carry_the_penalty_term(tmp_path, featured):
    _, path = featured
    data = json.loads(run("trace", path, "--input", 0.5, -1.0, "--target", 1, 0, "--json", cwd=tmp_path).stdout)
    steps = {s["quantity"]: s for s in data["steps"]}
    first = data["steps"][0]
    assert (first["quantity"], first["reads"], first["layer"]) == ("h0", ["x"], 0)
    assert first["formula"] == r"h_0 = \phi(x) = [x_1,\ x_1^2,\ \sin x_2]"
    assert steps["loss"]["formula"].endswith(r" + \lambda \sum_k R(W_k)")
    assert steps["grad_W1"]["formula"].endswith(r" + \lambda\, W_1")  # l2: ∂R/∂W = W, from the plugin
    explained = run("trace", path, "--input", 0.5, -1.0, "--target", 1, 0, "--explain", cwd=tmp_path).stdout
    assert "h₀ = φ(x) = φ([0.5, -1]) = [0.5, 0.25, -0.8415]" in explained
    assert "regularizer l2" in explained
