"""Data and input features that do not fit: each message says what to change, in the terms
of what the network reads (raw inputs through φ(x) when it has features)."""
from __future__ import annotations

import pytest

from core.engine.network import Network, NetworkError
from core.engine.passes import Kernel
from core.training.data import DatasetError
from core.training.setup import TrainingSetup
from core.training.trainer import TrainConfig, Trainer


def test_data_with_other_inputs_than_the_features_read_says_to_choose_other_features(registry):
    from core.training.data import make_data

    _, train, _ = make_data(TrainingSetup(dataset="xor"), registry)  # 2 inputs per sample
    network = Network([3, 4, 2], "tanh", seed=0, features=["x1", "x2", "x1_squared"], input_width=2)
    Trainer(network, train, registry, TrainConfig(epochs=1))  # fits: the features read 2 inputs
    train.check_inputs(2, ["x1", "x2", "x1_squared"])
    with pytest.raises(DatasetError) as raised:
        train.check_inputs(3, ["a", "b"])
    message = str(raised.value)
    assert "read 3" in message and "(a, b)" in message and "φ button" in message
    assert "make the input layer" not in message  # the input layer's width is the features' count
    with pytest.raises(DatasetError, match="make the input layer 2 wide"):
        train.check_inputs(3)  # raw inputs: the width is what to change


def test_a_feature_that_reads_other_inputs_is_a_network_error_naming_it(registry):
    network = Network([2, 4, 2], "tanh", seed=0, features=["x1", "x2"], input_width=3)
    with pytest.raises(NetworkError, match="feature 'x1' from plugin .* reads 2 input\\(s\\)"):
        Kernel(network, registry)
