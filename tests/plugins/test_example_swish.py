"""examples/plugins/backprop-swish: found by its entry point, unflagged, trains, gradient-checks."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib

from core.engine.gradcheck import gradient_check
from core.engine.network import Network
from core.plugin_host.host import PluginHost
from core.training.data import make_dataset
from core.training.trainer import TrainConfig, Trainer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plugins" / "backprop-swish"


@pytest.fixture
def swish_installed(tmp_path, monkeypatch):
    """The example as `pip install` would leave it: the module plus its dist-info on sys.path."""
    meta = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    dist = tmp_path / f"backprop_swish-{meta['version']}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n")
    entries = "".join(f"{k} = {v}\n" for k, v in meta["entry-points"]["backprop_studio"].items())
    (dist / "entry_points.txt").write_text("[backprop_studio]\n" + entries)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLE))
    yield PluginHost(plugin_dir=tmp_path / "no-files").load()
    sys.modules.pop("backprop_swish", None)


def test_the_example_is_found_by_its_entry_point_and_loads_unflagged(swish_installed):
    record = swish_installed.record("swish")
    assert (record.state, record.source, record.version) == ("loaded", "entry point", "0.1.0")
    assert record.contributes["activations"] == ["swish", "mish"]
    for name in ("swish", "mish"):
        act = swish_installed.registry.activation(name)
        assert act.problem is None and act.max_derivative_error < 1e-8
        assert act.formula and act.derivative_formula


def test_known_values(swish_installed):
    registry = swish_installed.registry
    a = np.array([-2.0, 0.0, 1.0])
    sigma = 1 / (1 + np.exp(-a))
    np.testing.assert_allclose(registry.activation("swish").fn(a), a * sigma)
    np.testing.assert_allclose(registry.activation("mish").fn(a), a * np.tanh(np.log1p(np.exp(a))))
    big = np.array([-800.0, 800.0])  # no overflow warnings, no NaN
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for name in ("swish", "mish"):
            assert np.all(np.isfinite(registry.activation(name).derivative(big)))


@pytest.mark.parametrize("activation", ["swish", "mish"])
def test_a_network_with_it_passes_a_gradient_check_and_trains(swish_installed, activation):
    registry = swish_installed.registry
    network = Network([2, 5, 4, 2], activation, seed=1)
    report = gradient_check(network, [[0.5, -1.0], [1.5, 0.3]], [[0, 1], [1, 0]], registry)
    assert report.passed(1e-6), report.worst()
    data = make_dataset(registry, "gaussians", seed=0)
    history = Trainer(network, data, registry, TrainConfig(optimizer="adam", epochs=10)).run()
    assert history.epochs[-1].train_loss < history.epochs[0].train_loss
