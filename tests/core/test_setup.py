"""The training setup: saved in the network file, read back checked, older files still open."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.engine.network import Network
from core.io.network_file import FileFormatError, load_network, network_from_dict, network_to_dict, save_network
from core.training.data import DatasetError, make_data, make_dataset
from core.training.setup import SetupError, StopWhen, TrainingSetup
from core.training.trainer import EpochReport

SPIRAL = TrainingSetup(dataset="spiral", samples=300, noise=0.1, seed=4, test_fraction=0.25,
                       optimizer="adam", hyperparameters={"lr": 0.02, "beta1": 0.8}, batch_size=16,
                       pace=3, stop=StopWhen(epochs=40, test_accuracy=0.9))


def test_the_setup_is_saved_and_restored_exactly(tmp_path):
    network = Network([2, 5, 2], seed=2)
    save_network(network, tmp_path / "n.json", setup=SPIRAL)
    data = json.loads((tmp_path / "n.json").read_text())
    assert data["version"] == 2
    assert data["setup"]["dataset"]["name"] == "spiral" and data["setup"]["pace"] == {"steps_per_second": 3}
    _, extras = load_network(tmp_path / "n.json")
    assert extras["setup"] == SPIRAL


def test_a_version_1_file_opens_without_a_setup(textbook):
    data = network_to_dict(textbook[0])
    data["version"] = 1
    network, extras = network_from_dict(data)
    assert network.sizes == [3, 3, 3, 2] and "setup" not in extras


@pytest.mark.parametrize("change, words", [
    (lambda s: s["dataset"].update(seed=-1), ["seed", "≥ 0"]),
    (lambda s: s.update(batch_size=0), ["batch size", "at least 1"]),
    (lambda s: s.update(batch_size="ten"), ["setup.batch_size", "whole number"]),
    (lambda s: s["dataset"].update(test_fraction=1.0), ["test fraction"]),
    (lambda s: s["optimizer"]["hyperparameters"].update(lr="fast"), ["setup.optimizer.hyperparameters.lr"]),
    (lambda s: s.update(pace={"steps_per_second": 0}), ["pace"]),
    (lambda s: s.update(stop={"test_accuracy": 95}), ["test-accuracy target"]),
    (lambda s: s.update(regularization={"name": "l2", "rate": -1}), ["regularisation rate"]),
    (lambda s: s.update(dataset=[]), ["setup.dataset", "object"]),
])
def test_a_bad_setup_entry_is_refused_by_name(change, words):
    data = network_to_dict(Network([2, 3, 2]), setup=SPIRAL)
    change(data["setup"])
    with pytest.raises(FileFormatError) as error:
        network_from_dict(json.loads(json.dumps(data)))
    for word in words:
        assert word in str(error.value)


def test_changing_the_optimizer_keeps_a_chosen_learning_rate(registry):
    adam, momentum = registry.optimizers["adam"].defaults, registry.optimizers["momentum"].defaults
    setup = SPIRAL.with_optimizer("momentum", momentum, adam)
    assert setup.optimizer == "momentum" and setup.hyperparameters["lr"] == 0.02  # chosen: kept
    assert set(setup.hyperparameters) == set(momentum)
    default = TrainingSetup(optimizer="adam", hyperparameters=dict(adam))
    assert default.with_optimizer("momentum", momentum, adam).hyperparameters == momentum  # a default is not


def test_stop_conditions_name_their_reason():
    report = EpochReport(epoch=7, step=70, train_loss=0.05, train_accuracy=1.0, test_loss=0.1, test_accuracy=0.93)
    assert StopWhen().reason(report, 7) is None
    assert "after 7 epochs" in StopWhen(epochs=7).reason(report, 7)
    assert StopWhen(epochs=8).reason(report, 7) is None
    assert "train-loss target 0.1" in StopWhen(train_loss=0.1).reason(report, 7)
    assert "test-accuracy target 90%" in StopWhen(test_accuracy=0.9).reason(report, 7)
    assert StopWhen(test_accuracy=0.95).reason(report, 7) is None
    with pytest.raises(SetupError):
        TrainingSetup(stop=StopWhen(epochs=0))


def test_make_data_follows_the_setup(registry):
    full, train, test = make_data(SPIRAL, registry)
    assert len(full) == 300 and len(test) == 75 and len(train) == 225
    again = make_dataset(registry, "spiral", n_samples=300, seed=4, noise=0.1)
    assert np.array_equal(full.X, again.X)


def test_the_split_is_stratified(registry):
    full = make_dataset(registry, "spiral3", n_samples=90, seed=1)
    train, test = full.split(0.2, seed=3)
    assert np.bincount(test.y).tolist() == [6, 6, 6]
    assert np.bincount(train.y).tolist() == [24, 24, 24]
    assert sorted(map(tuple, np.vstack([train.X, test.X]))) == sorted(map(tuple, full.X))


def test_a_test_split_that_rounds_to_nothing_is_refused(registry):
    full = make_dataset(registry, "xor", n_samples=10, seed=0)
    with pytest.raises(DatasetError, match="rounds to no test sample"):
        full.split(0.04, seed=0)
    assert len(full.split(0.0, seed=0)[1]) == 0  # no test set, asked for


def test_a_numeric_csv_target_is_regression_and_labels_compare_as_numbers(tmp_path, registry):
    rows = ["x,t"] + [f"{i / 10},{np.sin(i / 10):.5f}" for i in range(40)]
    (tmp_path / "fit.csv").write_text("\n".join(rows) + "\n")
    full, _, _ = make_data(TrainingSetup(dataset="fit.csv", target_column="t"), registry, tmp_path)
    assert full.task == "regression" and full.y.shape == (40, 1)
    (tmp_path / "classes.csv").write_text("a,b,label\n0,1,1\n1,0,1.0\n2,2,0\n3,3,0.0\n4,1,01\n")
    full, _, _ = make_data(TrainingSetup(dataset="classes.csv", target_column="label", test_fraction=0),
                           registry, tmp_path)
    assert full.task == "classification" and full.n_classes == 2
    assert full.y.tolist() == [1, 1, 0, 0, 1] and full.class_names == ["0", "1"]


def test_a_file_asking_for_a_billion_samples_is_refused_when_read(tmp_path):
    """A size from a file is checked before anything is allocated: the sample count is bounded."""
    import json
    from pathlib import Path

    from core.io.network_file import FileFormatError, load_network

    root = Path(__file__).resolve().parents[2]
    data = json.loads((root / "resources/examples/spiral-classifier.json").read_text())
    data["setup"]["dataset"]["samples"] = 10**9
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data))
    with pytest.raises((FileFormatError, SetupError), match="samples"):
        load_network(path)
    with pytest.raises(SetupError, match="at most"):
        TrainingSetup(samples=10**9)
    assert TrainingSetup(samples=20_000).samples == 20_000  # the form's largest is fine
