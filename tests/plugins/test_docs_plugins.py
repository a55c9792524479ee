"""The examples of docs/plugins.md work as written: they load, pass their checks and train."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

from core.engine.gradcheck import gradient_check
from core.engine.network import Network
from core.plugin_host.host import PluginHost
from core.training.data import make_dataset
from core.training.trainer import TrainConfig, Trainer

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
BLOCK = re.compile(r"<!-- file: (?P<name>\S+) -->\s*```\w*\n(?P<code>.*?)```", re.S)


def documented_files() -> dict[str, str]:
    return {m["name"]: m["code"] for m in BLOCK.finditer(DOC.read_text())}


def write_documented(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, code in documented_files().items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)
        paths[name] = path
    return paths


def test_the_guide_has_the_single_file_and_the_package_example():
    assert set(documented_files()) == {
        "softsign.py", "backprop-swish/pyproject.toml", "backprop-swish/backprop_swish.py"}


def test_single_file_example_loads_from_the_plugin_folder_and_its_gradient_checks(tmp_path, registry):
    folder = tmp_path / "plugins"
    folder.mkdir()
    write_documented(tmp_path)
    (tmp_path / "softsign.py").rename(folder / "softsign.py")
    host = PluginHost(plugin_dir=folder, use_entry_points=False).load()
    record = host.record("softsign")
    assert (record.state, record.version, record.source) == ("loaded", "1.0", "file")
    network = Network([2, 3, 2], "softsign", seed=3)
    report = gradient_check(network, [[0.5, -1.0]], [[0, 1]], host.registry)
    assert report.passed(1e-6), report.worst()


def test_package_example_is_found_by_its_entry_point_and_trains(tmp_path, monkeypatch):
    paths = write_documented(tmp_path)
    project = paths["backprop-swish/pyproject.toml"].parent
    meta = tomllib.loads(paths["backprop-swish/pyproject.toml"].read_text())["project"]
    # what `pip install ./backprop-swish` leaves in site-packages: the module and its metadata
    dist = project / f"backprop_swish-{meta['version']}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n")
    entry = "".join(f"{k} = {v}\n" for k, v in meta["entry-points"]["backprop_studio"].items())
    (dist / "entry_points.txt").write_text("[backprop_studio]\n" + entry)
    monkeypatch.syspath_prepend(str(project))
    try:
        host = PluginHost(plugin_dir=tmp_path / "empty").load()
        record = host.record("swish")
        assert (record.state, record.source, record.version) == ("loaded", "entry point", "0.1.0")
        assert record.contributes["activations"] == ["swish"]
        assert record.contributes["optimizers"] == ["signsgd"]
        network = Network([2, 6, 2], "swish", seed=0)
        data = make_dataset(host.registry, "gaussians", seed=0)
        trainer = Trainer(network, data, host.registry, TrainConfig(optimizer="signsgd", epochs=8))
        history = trainer.run()
        assert history.epochs[-1].train_loss < history.epochs[0].train_loss
    finally:
        sys.modules.pop("backprop_swish", None)
