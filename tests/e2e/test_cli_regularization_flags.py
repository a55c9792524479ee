"""`train --regularization` and `--rate` never train silently without the penalty asked for."""
from __future__ import annotations

import json

from core.engine.network import Network
from core.io.network_file import save_network
from core.training.setup import TrainingSetup
from tests.e2e.test_cli import assert_one_line_error, run


def test_a_regularizer_without_a_rate_is_refused_not_trained_with_lambda_0(tmp_path):
    path = tmp_path / "net.json"
    save_network(Network([2, 4, 2], "tanh", seed=0), path)
    result = run("train", path, "--dataset", "circles", "--epochs", 1, "--regularization", "l2",
                 cwd=tmp_path, check=False)
    assert_one_line_error(result, "--rate")


def test_a_rate_without_a_regularizer_is_refused_not_ignored(tmp_path):
    path = tmp_path / "net.json"
    save_network(Network([2, 4, 2], "tanh", seed=0), path)
    result = run("train", path, "--dataset", "circles", "--epochs", 1, "--rate", 0.5, cwd=tmp_path, check=False)
    assert_one_line_error(result, "--regularization")


def test_another_regularizer_keeps_the_saved_rate(tmp_path):
    path = tmp_path / "net.json"
    save_network(Network([2, 4, 2], "tanh", seed=0), path,
                 setup=TrainingSetup(dataset="circles", regularization="l2", rate=0.01))
    out = json.loads(run("train", path, "--epochs", 1, "--regularization", "l1", "--json", cwd=tmp_path).stdout)
    assert out["setup"]["regularization"] == {"name": "l1", "rate": 0.01}
