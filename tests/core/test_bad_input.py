"""Bad input found in review: each gets a clear message, nothing crashes or lies."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest

from core.engine.network import Network
from core.engine.passes import ShapeError, run_trace
from core.io.network_file import FileFormatError, load_network, save_network
from core.plugin_host.host import PluginHost
from core.stepthrough.paths import PathError, weight_paths
from core.training.data import DatasetError, make_dataset
from core.training.trainer import OptimizerError, TrainConfig, Trainer

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "backprop-studio"


def module(source: str) -> types.ModuleType:
    m = types.ModuleType("plugin")
    exec(textwrap.dedent(source), m.__dict__)
    return m


def test_a_hook_calling_sys_exit_is_recorded_not_obeyed():
    host = PluginHost(safe_mode=True).load()
    record = host.add_plugin(module("""
        import sys, pluggy
        hookimpl = pluggy.HookimplMarker("backprop_studio")
        @hookimpl
        def register_activations(register):
            sys.exit("bye from hook")
    """), "exiter")
    assert record.state == "failed" and "SystemExit" in record.error
    assert host.registry.activation("tanh")


def test_an_activation_raising_system_exit_is_flagged():
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(module("""
        import pluggy
        hookimpl = pluggy.HookimplMarker("backprop_studio")
        def boom(a):
            raise SystemExit(3)
        @hookimpl
        def register_activations(register):
            register(name="exiting", fn=boom, derivative=boom)
    """), "exiter")
    assert "SystemExit" in host.registry.activations["exiting"].problem


def test_confident_predictions_have_their_exact_loss(registry):
    """σ(40) rounds to 1.0: the loss must still be 40, not -log(tiny) = 708.4."""
    network = Network([1, 1], [], "binary_cross_entropy")
    network.set_parameters([np.array([[1.0]])], [np.array([39.0])])
    trace = run_trace(network, [1.0], [0.0], registry)
    assert trace.loss == pytest.approx(40.0, rel=1e-15)
    softmax = Network([1, 2], [], "softmax_cross_entropy")
    softmax.set_parameters([np.array([[800.0], [0.0]])], [np.zeros(2)])
    assert run_trace(softmax, [1.0], [0, 1], registry).loss == pytest.approx(800.0, rel=1e-15)


def test_a_target_that_is_not_a_probability_vector_is_refused(textbook, registry):
    network, _ = textbook
    with pytest.raises(ShapeError, match="probability vector"):
        run_trace(network, [2, 5, 3], [0.3, 0.3], registry)


def test_an_optimizer_that_does_not_update_in_place_is_refused(registry):
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(module("""
        import pluggy
        hookimpl = pluggy.HookimplMarker("backprop_studio")
        class Replacer:
            def __init__(self, lr):
                self.lr = lr
            def step(self, params, grads):
                for i, (p, g) in enumerate(zip(params, grads)):
                    params[i] = p - self.lr * g   # a new array: the network never sees it
        @hookimpl
        def register_optimizers(register):
            register(name="replacer", factory=Replacer, defaults={"lr": 0.1})
    """), "replacer")
    network = Network([2, 3, 2], "tanh")
    before = [p.copy() for p in network.parameters()]
    data = make_dataset(host.registry, "xor", n_samples=20)
    trainer = Trainer(network, data, host.registry, TrainConfig(optimizer="replacer", epochs=1))
    with pytest.raises(OptimizerError, match="in place"):
        trainer.run()
    assert all(np.array_equal(p, q) for p, q in zip(network.parameters(), before))


@pytest.mark.parametrize("labels, message", [
    ([0, 1, -1, 0], "outside"), ([0, 1, 0.5, 1], "whole numbers"), ([0, 1, float("nan"), 1], "NaN"),
])
def test_a_dataset_with_bad_labels_is_refused(labels, message):
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(module(f"""
        import numpy as np, pluggy
        hookimpl = pluggy.HookimplMarker("backprop_studio")
        def generate(n, seed):
            return np.zeros((n, 2)), np.resize(np.array({labels!r}), n)
        @hookimpl
        def register_datasets(register):
            register(name="bad", generate=generate, defaults={{}}, n_classes=2)
    """.replace("nan", "float('nan')")), "badset")
    with pytest.raises(DatasetError, match=message):
        make_dataset(host.registry, "bad")


def test_a_split_that_leaves_nothing_to_train_on_is_refused(registry):
    data = make_dataset(registry, "xor", n_samples=4)
    with pytest.raises(DatasetError, match="no sample"):
        data.split(0.99, 0)


def test_paths_refuse_a_weight_with_too_many_paths(registry):
    network = Network([2] + [64] * 4 + [2], "tanh")
    trace = run_trace(network, [1, 2], [1, 0], registry)
    with pytest.raises(PathError, match="too many"):
        weight_paths(trace, registry, 1, 0, 0)
    assert weight_paths(trace, registry, 3, 0, 0).path_count == 64 * 2


@pytest.mark.parametrize("change, words", [
    (lambda d: d["network"].update(seed=-1), "seed"),
    (lambda d: d["parameters"].update(b1=[True, False, True]), "numbers only"),
    (lambda d: d["parameters"].update(b1=["1", "2", "3"]), "numbers only"),
])
def test_odd_values_in_a_file_are_refused(tmp_path, change, words):
    data = json.loads((ROOT / "resources/examples/textbook.json").read_text())
    change(data)
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FileFormatError, match=words):
        load_network(path)


def test_saving_to_a_missing_folder_names_the_target_not_a_temp_file(tmp_path):
    with pytest.raises(FileFormatError) as info:
        save_network(Network([2, 2], []), tmp_path / "missing" / "x.json")
    assert "missing/x.json" in str(info.value) and ".tmp" not in str(info.value)


def run(*args, env=None):
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env)


def test_trace_of_an_overflowing_network_names_the_quantity_and_fails(tmp_path):
    data = json.loads((ROOT / "resources/examples/textbook.json").read_text())
    data["parameters"]["W1"][0][0] = 1e308
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data))
    result = run("trace", str(path), "--json")
    assert result.returncode != 0 and result.stdout == ""
    assert "a1" in result.stderr and "NaN or infinite" in result.stderr and "Traceback" not in result.stderr


def test_train_refuses_an_unwritable_output_before_training(tmp_path):
    net = tmp_path / "n.json"
    assert run("new", "--sizes", "2", "3", "2", "-o", str(net)).returncode == 0
    result = run("train", str(net), "--dataset", "xor", "-o", str(tmp_path / "no" / "out.json"))
    assert result.returncode != 0 and "cannot save there" in result.stderr and "trained" not in result.stdout
